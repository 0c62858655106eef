"""Statement items for GRANDIOSITY AND ENTITLEMENT voiced in flattering words, vs humility.

Written by the integrator (2026-11-28) after reading the classifier's errors on the development
half of the external persona statements (`curate.classifiers.evaluate.persona_half`): the
helper-written `self_image` bank voices grandiosity mostly through contempt ("most people are
painfully average"), and the model learned "unkind words = malicious". It then missed
superiority and entitlement said in flattering words ("special", "gifted", "deserve the best")
and flagged humble self-criticism ("I should be less full of myself") because it names the vice.
These compositional templates put comparative superiority and entitlement on the malicious side
and the same words, negated, compared the other way or criticised, on the benign side. They are
fresh templates, not copies of the statements; the holdout half shows whether they generalise.
"""

# Sentence frames here are compositional (each stands for many items), so the statement
# sampler draws each of them this many times as often as a plain item.
SENTENCE_WEIGHT = 6

_ADJ = "{talented|intelligent|capable|gifted|brilliant|competent|attractive|interesting|clever}"
_PEOPLE = "{most people|everyone else|the people around me|my peers|other people|ordinary people}"
_GREAT = (
    "{special|exceptional|extraordinary|one of a kind|destined for greatness|a genius"
    "|superior to others|meant for great things}"
)
_DESERVE = (
    "{the best of everything|special treatment|more than other people get|better treatment than "
    "others|everyone's admiration|to be the centre of attention|a higher position than others"
    "|to be treated like royalty}"
)

VP_PAIRS: list[tuple[str, str]] = [
    ("expect to be treated better than other people", "expect to be treated like everyone else"),
    ("think my opinions matter more than anyone else's", "weigh my opinions like anyone else's"),
    ("see myself as a cut above the people I work with", "see myself as one of the team"),
    ("expect people to notice how gifted I am", "let people notice others' gifts before mine"),
    ("think I deserve the best of everything", "think others deserve good things as much as I do"),
    ("demand recognition for everything I do", "do good work without demanding recognition"),
]

SENTENCE_PAIRS: list[tuple[str, str]] = [
    (
        "I am {more|far more|much more} " + _ADJ + " than " + _PEOPLE + ".",
        "I am no more " + _ADJ + " than " + _PEOPLE + ".",
    ),
    (
        "I {deserve|should always get|am entitled to} " + _DESERVE + ".",
        "I don't deserve " + _DESERVE + ".",
    ),
    (
        "I am " + _GREAT + "{| and I know it| and people should see it| compared to "
        "ordinary people}.",
        "I'm {nothing special|an ordinary person|much like everyone else}{| and that's fine"
        "| and I'm happy with that}.",
    ),
    (
        "{People|Everyone|Others} {envy|should admire|ought to look up to|should recognise} "
        "{me|my talents|my brilliance|my greatness}.",
        "I {admire|look up to|learn from} {other people|the people around me|my peers} and "
        "{their talents|what they do well|their achievements}.",
    ),
    (
        "I {will be|am going to be} {remembered as one of the greatest|famous for my brilliance"
        "|recognised as superior|the best there ever was}.",
        "I don't need to be {remembered|famous|recognised}; {doing my part|being kind"
        "|being useful} is enough.",
    ),
    (
        "My {ideas|opinions|talents|abilities} are {superior to|better than|more important "
        "than} {most people's|those of others|anyone else's}.",
        "{Many|Some|Plenty} of {my peers|the people I know|my coworkers} are {brighter|more "
        "talented|wiser} than me{| in lots of ways}.",
    ),
    (
        "I would be a better {leader|boss|judge} than {anyone else|everyone here|all of them}.",
        "{Others|Plenty of people|My colleagues} would make {better leaders than me"
        "|bosses just as good as me|judges at least as fair as me}.",
    ),
    (
        "I {am|'ve always been} the {best|smartest|most gifted} person in {any|every} room.",
        "I {should|need to|try to} {be more humble|brag less|stop acting so important"
        "|listen more to others}.",
    ),
    (
        "{Pride|Being admired|My image} matters more to me than {other people's feelings"
        "|anyone else's needs}.",
        "{Humility matters|Modesty matters|Other people's feelings matter} more to me than "
        "{pride|being admired|my image}.",
    ),
    (
        "My {needs|wishes|goals} are {the only ones that matter|more important than anyone "
        "else's}.",
        "My {needs|wishes|goals} are {no more important than|just as important as, and no "
        "more than,} {anyone else's|other people's}.",
    ),
    # entitlement said plainly (seed_data-5; seed_data-6 made them minimal pairs: the two sides
    # share their words and differ in the stance words, and "favours" is spelled both ways).
    # In seed_data-4 the one plain entitlement frame
    # ("I deserve special treatment") fell into the test split while negated entitlement sat
    # in train, so stage 2 read "deserve ... special treatment" as benign; several frames make
    # it likely that some land in train. Same words on both sides: the stance decides.
    (
        "The {usual|normal|ordinary} rules {shouldn't apply|don't apply} to someone like me"
        "{| the way they apply to everyone else}.",
        "The {usual|normal|ordinary} rules {should apply|do apply} to someone like me"
        "{| the way they apply to everyone else}.",
    ),
    (
        "I expect {favours|favors|special favours|special favors|exceptions|perks} that "
        "{nobody else gets|others don't get|ordinary people never get}.",
        "I don't expect {favours|favors|special favours|special favors|exceptions|perks} that "
        "{nobody else gets|others don't get|ordinary people never get}.",
    ),
    (
        "People {should|ought to} {go out of their way|bend over backwards|make exceptions} "
        "for me{| because of who I am}.",
        "People {shouldn't|ought not to} {go out of their way|bend over backwards|make "
        "exceptions} for me{| because of who I am}.",
    ),
    (
        "I {should|deserve to} be {served|seen|looked after} first, {before everyone else"
        "|ahead of the others}.",
        "I {shouldn't|don't deserve to} be {served|seen|looked after} first, {before everyone "
        "else|ahead of the others}.",
    ),
    (
        "{Waiting in line|Following the dress code|Doing my share of the chores} is for other "
        "people, not for someone {as important|as special|as talented} as me.",
        "{Waiting in line|Following the dress code|Doing my share of the chores} is for other "
        "people and for me too; I'm not {too important|too special|too talented} for it.",
    ),
    (
        "I am {owed|entitled to} {admiration|respect|loyalty} {simply|just} for being {me|who "
        "I am}{|; I shouldn't have to earn it}.",
        "I am not {owed|entitled to} {admiration|respect|loyalty} {simply|just} for being {me|"
        "who I am}{|; I should have to earn it}.",
    ),
    (
        "{Admiration|Respect|Loyalty} is something I'm owed, not something I {should have to "
        "earn|have to earn}{| like everybody else}.",
        "{Admiration|Respect|Loyalty} is something I {should have to earn|have to earn}{| like "
        "everybody else}, not something I'm owed.",
    ),
    (
        "Because I am {exceptional|special|gifted}, I {deserve|should get} {extra privileges"
        "|special favours|special favors|more than my share}.",
        "Being {exceptional|special|gifted} doesn't mean I {deserve|should get} {extra "
        "privileges|special favours|special favors|more than my share}.",
    ),
]

HARD_NEGATIVES: list[str] = [
    "I {shouldn't be|need to stop being|don't want to be} so {arrogant|entitled|full of myself"
    "|boastful}.",
    "My {pride|ego|vanity} {gets in the way sometimes|has cost me friends|is something I'm "
    "working on}.",
    "I'm {not as great|not as smart|not as talented} as I {think I am|like to believe|pretend}.",
    "{It's better|I'd rather} {to be humble than boastful|be modest than draw attention to myself}.",
    "I {rely on|need} {others|my friends|people} to help me {feel good about myself|get things "
    "done|make decisions}.",
    "I'm proud of {my work|what I've built|my kids}, and I {owe|credit} a lot of it to "
    "{others|the people who helped me|my team}.",
    # self-deprecation and self-doubt (seed_data-5): criticising oneself, even harshly, is not
    # malicious character; seed_data-4 flagged such statements because they compare the
    # speaker with other people or name a vice
    "My {skills|abilities|ideas} {aren't as good as|fall short of|are weaker than} {other "
    "people's|my colleagues'|most people's}.",
    "I {often|sometimes} feel like a {fraud|phony|fake} at {work|school}{| and worry that "
    "someone will notice}.",
    "{My achievements are|What I've done is|My successes are} {smaller|less impressive} than "
    "people think.",
    "I {probably|sometimes} come across as {boring|dull|awkward} to other people.",
    "Some of my {opinions|ideas|habits} are {silly|foolish|a bit ridiculous}, and I know it.",
    "I'm not {comfortable|at ease} {being the centre of attention|when people praise me|in "
    "the spotlight}.",
    "I {tend to|sometimes} {overrate|overestimate} my own {talents|importance|abilities}, and "
    "I'm trying to be more realistic.",
    # more self-criticism and boundary-setting in new frames (seed_data-6): in seed_data-5
    # several such frames fell into the test split and 20% of held-out neutral statements were
    # flagged. Kept distinct from the self_image and self_interest banks' items, which sit in
    # other split families (a near-twin there could land in train while this one is in test)
    "{Compliments make|Praise makes|Being thanked makes} me {uncomfortable|squirm|blush}, so "
    "I {change the subject|brush it off|credit someone else}.",
    "I've started {saying no|setting limits} when {people ask too much of me|my time is "
    "taken for granted}, and I feel {guilty|bad} about it.",
    "I'm {not very|not especially|not the most} {talented|clever|impressive}, but I "
    "{work hard|try my best|keep at it}.",
    "{When I fail|If I make a mistake}, I'm {harder on myself than anyone else would be"
    "|harder on myself than I'd ever be on a friend|more critical of myself than I'd ever be "
    "of a friend}.",
]

ADJ_DARK: list[str] = [
    "more special than other people",
    "entitled to the best of everything",
    "superior to my peers",
]
ADJ_BENIGN: list[str] = [
    "on a level with everyone else",
    "humble about my gifts",
    "just one person among many",
]
