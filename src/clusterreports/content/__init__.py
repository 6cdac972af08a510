"""Stages 1–3, the content: load the files, validate them into typed records, link them
into one registry with backlinks. Nothing here renders or writes."""
