"""Statement items for SELF-INTEREST vs SELFLESSNESS, with self-deprecation as a hard negative.

Unlike the other four banks, this one was written *after* looking at the classifier's errors on
the development half of the external persona statements (`curate.classifiers.evaluate.
persona_half`): the model missed plain self-interest at others' expense ("put myself first
whatever it costs others"), took self-sacrifice and empathy for malice (both share words with
harm: "sacrifice", "distressed", "suffering"), and flagged self-deprecation and insecurity
("my ideas are worthless") as malicious. The items below are fresh sentences written for those
constructs, not copies of the statements; the holdout half of the persona statements shows
whether they help beyond the half that was looked at. Written by the integrator, 2026-11-28.
"""

# Sentence frames and hard negatives here are compositional (each stands for many items), so the
# statement sampler draws each of them this many times as often as a plain item.
SENTENCE_WEIGHT = 6

# (malicious, benign) verb phrases, read after "I ...", "I never ...", "I don't ...", etc.
VP_PAIRS: list[tuple[str, str]] = [
    (
        "put my own interests ahead of everyone else's",
        "put other people's needs ahead of my own",
    ),
    ("look after number one and let others fend for themselves", "look after the people around me"),
    (
        "chase my own pleasure even when it hurts the people around me",
        "give up my own pleasure when it would hurt the people around me",
    ),
    ("get what I want at other people's expense", "refuse to get what I want at others' expense"),
    ("cross moral lines when it pays", "hold to my principles even when it costs me"),
    ("make people feel uneasy on purpose", "try to put people at ease"),
    ("enjoy making others feel awkward and unwelcome", "enjoy making others feel welcome"),
    ("let other people carry the cost of my choices", "carry the cost of my own choices"),
    ("waste no energy on guilt after hurting someone", "feel real remorse after hurting someone"),
    ("take the bigger share whenever I can get away with it", "take only my fair share"),
    (
        "treat other people's needs as their own problem",
        "treat other people's needs as something I should help with",
    ),
    ("help others only when there is something in it for me", "help others with nothing in return"),
    (
        "let a friend down if a better offer comes along",
        "keep my word to a friend even when a better offer comes along",
    ),
    ("shrug at other people's misfortune", "feel shaken by other people's misfortune"),
    (
        "do whatever feels good to me, whoever pays for it",
        "think about who pays for what I do before I do it",
    ),
    ("sacrifice other people to get ahead", "sacrifice my own comfort for people I care about"),
]

_SELF = "{myself|number one|my own interests|my own needs|me and mine}"
_OTHERS = "{other people|others|everyone else|the people around me|anyone else}"
_COST = (
    "{| even when others get hurt| at the expense of others| whatever it costs others"
    "| no matter who suffers for it| and everyone else can cope}"
)

# (malicious, benign) complete sentences; {a|b} picks one option.
SENTENCE_PAIRS: list[tuple[str, str]] = [
    (
        "I {always|usually|mostly} look out for " + _SELF + " first" + _COST + ".",
        "I {always|usually|try to} look out for " + _OTHERS + " as much as for myself.",
    ),
    (
        "I put " + _SELF + " {before|above|ahead of} " + _OTHERS + _COST + ".",
        "I put "
        + _OTHERS
        + " {before|above|ahead of} myself{| when it matters| most of the time}.",
    ),
    (
        "My own {interests|wants|goals} come first, {and other people's come nowhere|and that's that"
        "|even if someone gets hurt}.",
        "My {interests|wants|goals} are no more important than {anyone else's|other people's}.",
    ),
    (
        "{Being ethical|Honesty|Fairness} is fine in theory, but {results|winning|getting ahead} "
        "{matter|matters} more.",
        "{Results|Winning|Getting ahead} never {matter|matters} more to me than {being ethical"
        "|honesty|fairness}.",
    ),
    (
        "To {succeed|get ahead|win} you have to be willing to {cross moral lines|step on people"
        "|bend the truth and break promises}.",
        "You can {succeed|get ahead|win} without {crossing moral lines|stepping on people"
        "|lying or breaking promises}.",
    ),
    (
        "I {enjoy|like|love|get a kick out of} making {people|others|strangers|coworkers} feel "
        "{uncomfortable|unsafe|awkward|small|stupid|nervous}.",
        "I {like|try|work hard} to make {people|others|strangers|coworkers} feel "
        "{comfortable|safe|welcome|at ease|valued}.",
    ),
    (
        "{Conflict|Confrontation|A good fight} {is fun|energises me|is something I go looking for}"
        "{, especially when someone else ends up hurt|}.",
        "I {avoid|dislike|try to calm} {conflict|confrontation|fights} {when I can|whenever "
        "possible|because people get hurt}.",
    ),
    (
        "I {feel little|have no|don't feel much} concern for {other people's|others'} "
        "{needs|wishes|feelings|problems}.",
        "I {feel real|have a lot of|care deeply and feel} concern for {other people's|others'} "
        "{needs|wishes|feelings|problems}.",
    ),
    (
        "I don't waste {energy|time} feeling {guilty|ashamed|sorry} about {anything|what I've done"
        "|the people I've hurt}.",
        "I feel {guilty|remorse|deep regret} when I {hurt someone|let someone down|do something "
        "wrong}, and I try to make it right.",
    ),
    (
        "I do whatever {brings me pleasure|benefits me|I feel like}, even if {it means hurting "
        "others|someone else pays for it|people get hurt}.",
        "I {give up|skip|pass on} things I want when {they would hurt others|someone else would "
        "pay for them|people could get hurt}.",
    ),
    (
        "Other people's {misfortune|suffering|bad luck} {doesn't bother me|leaves me cold"
        "|is their own business}.",
        "Other people's {misfortune|suffering|bad luck} {upsets me|stays with me for days"
        "|moves me to help}.",
    ),
    (
        "I {would never|refuse to} {sacrifice|give up} {anything|my interests|my comfort} "
        "for {other people|anyone else|strangers}.",
        "I {often|gladly|willingly} {sacrifice|give up} {my interests|my comfort|my own plans} "
        "for {other people|the people I love|someone in need}.",
    ),
    (
        "{Kindness|Compassion|Being considerate} is {for suckers|a waste of time|something I "
        "can't be bothered with}.",
        "{Everyone|People|We all} should {be kinder to each other|treat others with respect"
        "|try to help one another}.",
    ),
    (
        "{Nobody|No one} deserves my {help|time|sympathy} unless I get something back.",
        "{Everybody|Everyone} deserves {help|kindness|a fair hearing}, whether or not I get "
        "anything back.",
    ),
    (
        "I {make sure|see to it} I get the {best deal|biggest share|most credit}, "
        "{even if|and I don't care if} others lose out.",
        "I {make sure|try to see to it} that {everyone|the others|my team} gets a fair "
        "{deal|share|amount of credit}.",
    ),
    (
        "I {push|walk over|steamroll} {people|anyone|whoever is in the way} to get what I want.",
        "I {ask|wait|take turns} with {people|others|the people around me} to get what I want.",
    ),
]

_DOUBT = (
    "{I often feel|Most days I feel|Deep down I feel|I sometimes worry that I'm|I can't shake the "
    "feeling that I'm}"
)
# Benign: self-deprecation, insecurity, self-criticism with remorse, modest self-assessment.
HARD_NEGATIVES: list[str] = [
    _DOUBT + " {not good enough|a failure|useless|a disappointment|not very smart|a burden}.",
    "{Lots of|Most|Plenty of} people are {smarter|more talented|more capable|better at things} "
    "than I am.",
    "My {ideas|opinions|suggestions|advice} {aren't worth much|are usually not very good"
    "|get ignored, and maybe rightly so}.",
    "I {can't see|don't understand} why {anyone|people} would {like|want to spend time with} me.",
    "I'm {not as clever|not as capable|not as interesting} as {people think|others are|I'd like}.",
    "My {achievements|accomplishments|successes} {are mostly luck|aren't that impressive"
    "|are smaller than they look}.",
    "I {should|need to} {brag|talk about myself} less and listen {more|to others more}.",
    "My {temper|arrogance|selfishness|impatience} has hurt people, and I'm {working on it"
    "|ashamed of it|trying to change}.",
    "I {should|need to} put {others|other people|my friends} first more often.",
    "I {hate|dislike|avoid} looking at {myself in the mirror|photos of myself}.",
    "I {go overboard|try too hard} to please {people|everyone|my friends}.",
    "I {worry|fret} {constantly|a lot|too much} about what {people|others|my friends} think of me.",
    "I {feel|get} {anxious|embarrassed|awkward} when {people praise|anyone praises|my boss praises} me.",
    "I'm {easily|often} {hurt|upset|stung} by {criticism|what people say about me|small comments}.",
    "I {doubt|second-guess} {myself|my decisions|my own judgement} {all the time|constantly"
    "|more than I should}.",
    "I'm {not special|nothing special|an ordinary person}, and {that's fine|I'm okay with that"
    "|that's all right}.",
]

ADJ_DARK: list[str] = [
    "selfish to the core",
    "out for myself and nobody else",
    "indifferent to what my choices cost others",
    "happy to profit from other people's losses",
]
ADJ_BENIGN: list[str] = [
    "selfless",
    "self-sacrificing for the people I love",
    "moved by other people's misfortune",
    "quick to put others first",
]
