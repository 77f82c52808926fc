"""Word lists that keep sentence fragments out of topics.

A topic should read like a tag a person would write: a noun phrase ("peanut allergy",
"Neo4j", "support group"), never a piece of a sentence ("called Biscuit", "Chocolate
contains", "table comparing Neo4j"). Without a part-of-speech tagger, phrases are cut at
the words that cannot be inside a noun phrase: function words, common verbs in all their
forms, adverbs, chat filler, and the generic nouns that say nothing on their own.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION = _words(
    "a an the and or but nor so yet if then than that this these those there here what which "
    "who whom whose when where why how all any both each every few more most other some such "
    "no not only own same too very can could may might must shall should will would "
    "i me my mine we us our ours you your yours he him his she her hers it its they them "
    "their theirs myself yourself himself herself itself ourselves themselves one ones "
    "about above across after against along among around at before behind below beneath "
    "beside between beyond by down during except for from in inside into near of off on onto "
    "out outside over past since through throughout till to toward towards under until up "
    "upon with within without via per as like unlike also just even still already again ever "
    "never always often sometimes usually really quite rather pretty much many lot lots "
    "maybe perhaps however though although because while whether either neither else instead "
    "am is are was were be been being do does did done doing have has had having "
    "yes no yeah yep nope okay ok oh ah hey hi hello wow haha lol thanks thank please sure "
    "well right great good nice cool awesome amazing glad happy sorry fun super totally "
    "new old big small little long short next last first second best better same different "
    "able sure certain kind lovely wonderful fantastic incredible beautiful exciting "
    "something anything everything nothing someone anyone everyone nobody somebody"
)

# Common verbs: each in its base form; -s, -ed and -ing forms are derived below.
_VERBS = _words(
    "add allow answer appear ask avoid become begin believe bring build buy call change check "
    "choose come compare consider contain continue cook create cut decide describe design "
    "die discuss do eat enjoy explain fall feel find finish follow forget get give go grow "
    "guess happen hate hear help hold hope include keep know learn leave let like listen "
    "live look lose love make mean meet mention miss move name need note notice offer open "
    "pay pick plan play prefer prepare provide put reach read realize recommend remember "
    "remind return run say see seem sell send share show sit sound speak spend start stay "
    "stop suggest suppose take talk teach tell thank think try turn understand use visit "
    "wait walk want watch wish wonder work worry write dump list"
)
_IRREGULAR = _words(
    "began begun bought brought built came chose chosen did done drew drawn ate eaten fell "
    "felt found forgot forgotten gave given got gotten went gone grew grown heard held kept "
    "knew known left lost made meant met paid ran said saw seen sold sent showed shown sat "
    "spoke spoken spent stood took taken taught told thought understood wore worn wrote "
    "written led let put set read"
)


def _forms(verb: str) -> set[str]:
    stem = verb[:-1] if verb.endswith("e") and not verb.endswith("ee") else verb
    plural = verb + ("es" if verb.endswith(("s", "sh", "ch", "x", "o")) else "s")
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        plural = verb[:-1] + "ies"
    past = verb + "d" if verb.endswith("e") else verb + "ed"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        past = verb[:-1] + "ied"
    return {verb, plural, past, stem + "ing"}


VERBS = frozenset(form for verb in _VERBS for form in _forms(verb)) | _IRREGULAR

# Nouns too general to be a topic by themselves (kept inside a longer phrase).
GENERIC = _words(
    "advantage advantages disadvantage disadvantages name names idea ideas way ways time times "
    "thing things stuff part parts bit kind sort type types example examples question "
    "questions answer answers option options point points fact reason reasons problem "
    "problems issue issues case cases place day days week weeks year years today tomorrow "
    "yesterday moment people person guy guys everybody look result results step steps "
    "difference differences detail details information info help sense feeling"
)

BREAKS = FUNCTION | VERBS
