"""Torget: bounded citizen dialogues, lawful moderation and public records for authorities."""
