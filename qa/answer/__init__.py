"""Answering questions: routing, evidence selection, LLM jobs, citations and grounding."""
