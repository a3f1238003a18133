"""The validation lab (issue 19): one small ML system in one configuration per maturity level,
each a real repository; a local runner that plays CI, training, release and production traffic
from each repository's own definitions; fault scenarios tied to the interface failure modes;
measured outcomes stored as RDF observations beside each configuration's assessment.

Needs the ``[lab]`` extra (scikit-learn); nothing is downloaded (the data set ships with it).
"""
