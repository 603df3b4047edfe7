"""The planner workbench: a Streamlit app that talks to the StockPilot API over HTTP."""
