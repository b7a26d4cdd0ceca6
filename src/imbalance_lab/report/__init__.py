"""The report: sweep folders -> tables, figures and the study's verdicts (never imports torch)."""
