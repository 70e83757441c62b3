"""The Gradio web app (the only package that imports gradio): chat with citations, meetings, adding issues."""
