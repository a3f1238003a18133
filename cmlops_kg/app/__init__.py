"""The Streamlit explorer: the only part of the package that imports Streamlit, Plotly or
pandas (``pip install 'cmlops-kg[app]'``). It presents; everything it shows is computed by the
library, the same functions the CLI uses."""
