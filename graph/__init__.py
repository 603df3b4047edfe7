"""The copilot's LangGraph graph: state, nodes, the approval gate and the ERP commit."""
