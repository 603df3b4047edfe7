"""Surfaces planners use: the command line now; the workbench and chat bots build on the API."""
