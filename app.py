"""Launcher of the explorer, so that ``streamlit run app.py`` (and ``make app``) work from the
source tree. The app itself ships in the package: :mod:`cmlops_kg.app.main`."""

from cmlops_kg.app.main import run

run()
