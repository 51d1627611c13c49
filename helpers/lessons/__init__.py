"""The code the lessons teach, generated from their #@save cells by scripts/export_lessons.py: do not edit."""
