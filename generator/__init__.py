"""hyoka: 特定個人情報保護評価書を YAML から HTML・DOCX・XLSX に組版する docs-as-code ツール。"""

# read by pyproject.toml too; a string here costs a build nothing, importlib.metadata 30 ms
__version__ = "0.1.0"
