"""Assessing organisations: the engine and its result, the questionnaire, merging evidence,
portfolios of teams, outcome metrics."""
