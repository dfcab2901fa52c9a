"""The city's portfolio of assessments (特定個人情報保護評価計画管理書): ``hyoka portfolio``."""
