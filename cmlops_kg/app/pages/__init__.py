"""The explorer's pages, one Streamlit script each (run by :mod:`cmlops_kg.app.main`)."""
