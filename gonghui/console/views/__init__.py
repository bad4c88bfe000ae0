"""The cadre console: thin function-based views (parse → one selector or service → render)."""
