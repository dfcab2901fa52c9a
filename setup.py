"""The top-level templates/ folder (HTML/diff/site templates, the shipped block library) goes
into the wheel as the package data ``generator/templates``; generator/shipped.py finds it there
or, in a checkout, beside the package. Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["generator", "generator.*"]), "generator.templates"],
    package_dir={"generator.templates": "templates"},
    package_data={"generator.templates": ["**/*"]},
    include_package_data=False,
)
