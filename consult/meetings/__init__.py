"""Meetings (rencontres): concertations territoriales, université sociale, groupes de travail…"""
