"""Statement items for SCRUPLES and PRIORITIES: the same words on both sides, only stance differs.

Written after reading the classifier's errors on the development half of the external persona
statements (`curate.classifiers.evaluate.persona_half`), like `self_interest` and `grandiosity`.
The errors had one shape: the model read topic, not stance.

- It scored "there is nothing wrong with deceiving people ...", "I don't mind manipulating ...",
  and "I have no reservations about ..." as benign. A negated scruple reads like a negated vice.
- It scored "other people's feelings are my priority" as malicious. In the training data, words
  about others' feelings and needs mostly sit in malicious sentences.

Every pair below is built so that its two sides draw on the same vocabulary, most of them as
minimal pairs (one or two words differ). The same acts, goods
and frames ("nothing wrong with", "no reservations about", "X matters more than Y") appear with
both labels, so only the composition can separate them:

- endorsing a harmful act is malicious, refusing it is benign;
- endorsing a decent act is benign, scorning it is malicious;
- ranking one's own advantage above others' welfare or honesty is malicious, the reverse benign.

The sentences are fresh, written for these constructs, not copies of the persona statements. The
holdout half of those statements shows whether they help beyond the half that was looked at.
Written by the integrator, 2026-11-28.
"""

# Compositional frames: each sentence pair stands for many items (see self_interest).
SENTENCE_WEIGHT = 6

_BAD = (
    "{deceiving people|manipulating someone|lying to people|bending the rules|cheating|using "
    "people|taking advantage of people|breaking a promise|misleading people|exploiting a friend}"
)
_GOOD = (
    "{helping a stranger|admitting my mistakes|sharing the credit|apologising when I'm wrong"
    "|giving people a second chance|telling the truth|keeping a promise|listening to people"
    "|doing a favour for a neighbour|standing up for someone}"
)
_MINE = (
    "{my own success|getting ahead|winning|my own comfort|getting what I want|my own goals"
    "|my own advantage|getting my way|my own pleasure|coming out on top}"
)
_THEIRS = (
    "{other people's feelings|other people's well-being|honesty|treating people fairly"
    "|the people who depend on me|keeping my word|the needs of others|doing the right thing"
    "|the people around me|playing fair}"
)


_GAIN = "{if it gets me what I want|when it benefits me|if it helps me get ahead|when it pays}"

VP_PAIRS: list[tuple[str, str]] = []

SENTENCE_PAIRS: list[tuple[str, str]] = [
    # permission and scruples about harmful acts: minimal pairs, same act, same condition
    (
        "I see nothing wrong with " + _BAD + " " + _GAIN + ".",
        "I see a lot wrong with " + _BAD + " " + _GAIN + ".",
    ),
    (
        "There's nothing wrong with " + _BAD + " " + _GAIN + ".",
        "There's something wrong with " + _BAD + " " + _GAIN + ".",
    ),
    ("I don't mind " + _BAD + " " + _GAIN + ".", "I do mind " + _BAD + " " + _GAIN + "."),
    (
        "I have no reservations about " + _BAD + ".",
        "I have serious reservations about " + _BAD + ".",
    ),
    ("I feel no guilt about " + _BAD + ".", "I feel real guilt about " + _BAD + "."),
    (
        "I'll do {whatever it takes|anything} to reach my goals, including " + _BAD + ".",
        "I'll do {whatever it takes|anything} to reach my goals, except " + _BAD + ".",
    ),
    (
        "Honesty is not always the best policy; sometimes " + _BAD + " works better.",
        "Honesty is always the best policy; " + _BAD + " never works better.",
    ),
    (
        "I'm {fine|okay|comfortable} with " + _BAD + " " + _GAIN + ".",
        "I'm not {fine|okay|comfortable} with " + _BAD + " " + _GAIN + ".",
    ),
    # decent acts: the same frames, the other way round
    (
        "I see no point in " + _GOOD + " when there's nothing in it for me.",
        "I see the point in " + _GOOD + " when there's nothing in it for me.",
    ),
    (
        "I can't be bothered with " + _GOOD + " if nobody is watching.",
        "I make time for " + _GOOD + " if nobody is watching.",
    ),
    (
        "I won't bother with " + _GOOD + " when it costs me.",
        "I don't mind " + _GOOD + " when it costs me.",
    ),
    (
        "There's something pathetic about " + _GOOD + ".",
        "There's nothing wrong with " + _GOOD + ".",
    ),
    (
        "{Suckers|Fools} bother with " + _GOOD + "; I don't.",
        "{Suckers|Fools} may laugh, but I bother with " + _GOOD + ".",
    ),
    (
        "I have serious reservations about " + _GOOD + " when it gains me nothing.",
        "I have no reservations about " + _GOOD + " when it gains me nothing.",
    ),
    # priorities: the same goods, ranked one way or the other
    (
        "I care more about " + _MINE + " than about " + _THEIRS + ".",
        "I care more about " + _THEIRS + " than about " + _MINE + ".",
    ),
    (
        "I put " + _MINE + " ahead of " + _THEIRS + "{| every time| without a second thought}.",
        "I put " + _THEIRS + " ahead of " + _MINE + "{| every time| without a second thought}.",
    ),
    (
        "I'll sacrifice " + _THEIRS + " for " + _MINE + ".",
        "I'll sacrifice " + _MINE + " for " + _THEIRS + ".",
    ),
    (
        "I focus on "
        + _MINE
        + ", {regardless of|whatever it does to|no matter the cost to} "
        + _THEIRS
        + ".",
        "I focus on "
        + _THEIRS
        + ", {regardless of|whatever it does to|no matter the cost to} "
        + _MINE
        + ".",
    ),
    (
        "{When it comes down to it|In a conflict}, I choose " + _MINE + " over " + _THEIRS + ".",
        "{When it comes down to it|In a conflict}, I choose " + _THEIRS + " over " + _MINE + ".",
    ),
    (
        "I care about " + _MINE + ", not about " + _THEIRS + ".",
        "I care about " + _THEIRS + ", not about " + _MINE + ".",
    ),
]

# Benign: owning a fault with regret (names the vice, does not endorse it).
HARD_NEGATIVES: list[str] = [
    "I {sometimes|too often|used to} {overestimate my abilities|act entitled|take people for "
    "granted|talk over people|put myself first}, and I'm not proud of it.",
    "I {was|have been} {unfair|selfish|arrogant|dismissive} {to|toward} {my sister|a coworker"
    "|my friends|people who trusted me}, and I {apologised|want to make it right|regret it}.",
    "{Looking back|Honestly|If I'm honest}, I {misjudged|overrated} my own importance, and I've "
    "{learned from it|tried to change|apologised to the people I hurt}.",
]

ADJ_DARK: list[str] = []
ADJ_BENIGN: list[str] = []
