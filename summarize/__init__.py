"""storyfold.summarize: facts with source counts and one consolidated summary per story."""
