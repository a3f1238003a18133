"""SPARQL: the query library, the one lexer, text rewrites, the read-only guard and the
timed runner for queries users pick or write."""
