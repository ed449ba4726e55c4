"""The console's pages: each module has its routes (``ROUTES``) and its words (``*_texts.py``)."""
