"""Synthetic applications with auditor decisions, and reading labeled application files."""
