"""The newskg research app (Streamlit). Start it with ``newskg ui``; pages only call the library."""
