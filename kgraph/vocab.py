"""The kgraph namespace and the prefixes every query and export declares.

`KG` is a DefinedNamespace with ``_fail = True``: a typo in a term raises instead of
minting a wrong IRI. Every term here is declared in ontology/kgraph.ttl (a test checks).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, TIME, XSD, DefinedNamespace

BASE = "https://w3id.org/kgraph/"
ORG = Namespace("http://www.w3.org/ns/org#")
QB = Namespace("http://purl.org/linked-data/cube#")
ID = Namespace(BASE + "id/")
SCHEME = Namespace(BASE + "scheme/")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
REVIEW_GRAPH = URIRef(BASE + "graph/review")  # people's decisions on extracted facts


class KG(DefinedNamespace):
    """Terms kgraph adds where ORG, PROV-O, SKOS, OWL-Time and Dublin Core have none."""

    _NS = Namespace(BASE + "ns#")
    _fail = True

    # classes
    Source: URIRef  # an imported file: one named graph
    SourceRecord: URIRef  # a row, line or sentence of a source
    Outcome: URIRef  # a reported result of a collaboration, often with money
    CollaborationEvent: URIRef  # something that happened to a collaboration (news)
    NewsItem: URIRef  # one headline of a digest, a feed entry or an article (news)
    NewsDigest: URIRef  # a digest issue, a feed or an article page that items came from
    # organisations
    orgType: URIRef  # -> skos:Concept in the organisation-type scheme
    gssCode: URIRef  # ONS GSS code, e.g. W06000016
    formerGssCode: URIRef
    registerCode: URIRef  # stable register key, e.g. the mySociety 3-letter code "RCT"
    nation: URIRef
    region: URIRef  # -> skos:Concept in the region scheme
    existedFrom: URIRef  # xsd:date the body came into being
    existedUntil: URIRef  # xsd:date it was abolished
    resolution: URIRef  # "register", "pattern" or "unknown": how the name was resolved
    needsReview: URIRef  # xsd:boolean: a person should check this organisation
    nearMiss: URIRef  # -> the register organisation an unknown name resembles
    ambiguousWith: URIRef  # -> register organisations an ambiguous name could mean
    # partnerships
    collaborationKind: URIRef  # -> skos:Concept in the collaboration-kind scheme
    serviceArea: URIRef  # -> skos:Concept in the service-area scheme
    status: URIRef
    hasOutcome: URIRef
    # outcomes
    outcomeKind: URIRef  # -> skos:Concept in the outcome-kind scheme
    amountGBP: URIRef  # xsd:decimal, pounds sterling
    amountPer: URIRef  # "year" or "month" for recurring amounts
    amountQualifier: URIRef  # "over", "about", "up to" ... as the source said
    amountText: URIRef  # the money as written
    # provenance
    fileName: URIRef
    filePath: URIRef
    sha256: URIRef
    importer: URIRef
    importerVersion: URIRef
    recordCount: URIRef
    rejectCount: URIRef
    tripleCount: URIRef
    line: URIRef  # 1-based row or line of a source record
    sentence: URIRef  # the sentence a fact was read from
    confidence: URIRef  # xsd:decimal 0..1
    # news events
    involves: URIRef  # event -> an organisation the sentence ties together
    formerPartner: URIRef  # partner-change event -> the organisation left behind
    concerns: URIRef  # event -> the partnership it creates, changes or ends
    reviewStatus: URIRef  # "confirmed" or "rejected": a person's decision on a fact
    reviewedAt: URIRef  # xsd:dateTime of that decision
    reviewNote: URIRef  # the reviewer's note
    # surveys (RDF Data Cube: a qb:DataSet per survey, a qb:Observation per answer)
    Question: URIRef  # a survey question: dcterms:identifier, dcterms:title, kg:measures
    respondent: URIRef  # observation -> the organisation that answered
    respondentId: URIRef  # the survey's own respondent key
    question: URIRef  # observation -> kg:Question
    period: URIRef  # the survey year / date an answer refers to
    answer: URIRef  # the answer as written
    answerLabel: URIRef  # the scale option the answer was read as
    answerValue: URIRef  # xsd:decimal: a numeric answer, or the option's value
    scalePosition: URIRef  # -> kgs:position/positive|neutral|negative
    aboutPartnership: URIRef  # observation -> the partnership the answer is about
    partnershipName: URIRef  # that partnership as the survey names it
    respondentRegion: URIRef  # -> region concept, as the survey gives it
    respondentType: URIRef  # the respondent's kind of body, as the survey gives it
    measures: URIRef  # question -> concept in kg:SurveyMeasures
    scaleKind: URIRef  # "likert", "yes-no", "choice", "number" or "text"
    SurveyMeasures: URIRef
    ScalePositions: URIRef
    # concept schemes
    OrganisationTypes: URIRef
    Sectors: URIRef
    ServiceAreas: URIRef
    Regions: URIRef
    CollaborationKinds: URIRef
    OutcomeKinds: URIRef
    MemberRoles: URIRef
    sector: URIRef  # org type -> broad sector concept (council, health, blue light, ...)


PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "kgid": str(ID),
    "kgs": str(SCHEME),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "time": str(TIME),
    "dcterms": str(DCTERMS),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
}


def slug(text: str, limit: int = 60) -> str:
    """A lower-case ASCII slug safe inside an IRI path segment."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return out or "x" + hashlib.sha256(text.encode()).hexdigest()[:10]


def digest(*parts: object, length: int = 12) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:length]


def concept(scheme: str, notation: str) -> URIRef:
    """The IRI of a concept, e.g. concept("service", "waste")."""
    return SCHEME[f"{scheme}/{notation}"]


def org_iri(org_id: str) -> URIRef:
    """Organisation IRIs come only from resolution ids such as 'la/RCT' or 'name/x'."""
    return ID["org/" + org_id]
