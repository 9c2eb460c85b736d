"""Reports: view-models, Jinja rendering, Markdown and Word writers."""
