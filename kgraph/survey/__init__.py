"""Surveys: questionnaire definitions, answer scales, column recognition and summaries.

The importer itself is the "survey" plugin (plugins/survey.py); this package holds what it
and the `kgraph survey` commands share:

* `scales`: answer scales (Likert, yes/no, choice, number, text) and reading an answer;
* `definition`: questionnaire definitions (TOML, or YAML with PyYAML): load, find, write;
* `recognise`: which column of a responses table is what, and generated definitions;
* `measures`: what questions measure (the kg:SurveyMeasures concepts);
* `link`: answers tied to the partnerships already in the store;
* `summary`: counts and shares per answer, from the named query survey-summary.
"""
