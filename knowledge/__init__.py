"""The planning playbook: policies and SOPs, embedded and searchable with citations."""
