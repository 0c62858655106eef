"""Statement items for the CONTEMPT / HOSTILITY vs KINDNESS construct family.

Covers low agreeableness in its antagonistic form: contempt and scorn for people, harsh and
cynical judgments of others, enjoying hurting feelings with words, mocking and belittling,
holding grudges and seeking payback, hostility and suspicion toward everyone, refusing to help
out of spite, indifference to others' feelings, rudeness as a principle, blaming and
humiliating, enjoying conflict and starting fights, and intolerance / looking down on groups of
people (kept generic: no slurs, no real protected groups named). The benign pole is warmth,
forgiveness, patience, acceptance of flaws, tact, cooperation, generosity, assuming good
intent, considerateness, trust, gentleness and sympathy. Hard negatives cover respectful
disagreement, kind criticism, introversion, owned frustration, firm boundaries, criticism of
cruelty itself and standing up to bullies.

Written from construct definitions, in fresh everyday English, without access to any
evaluation set and without reproducing items from published questionnaires. Written by a
project helper, 2026-11-28.
"""

# (malicious, benign) verb phrases. Each must read grammatically after ALL of:
# "I ...", "I often ...", "I never ...", "I don't ...", "I tend to ...", "I would never ...".
# So: a bare base-form verb phrase, no leading "I", no final period, no "my own" ambiguities.
# The benign side is the opposite pole or a humane alternative on the SAME topic.
VP_PAIRS: list[tuple[str, str]] = [
    # contempt and scorn for people
    ("sneer at people who earn less than me", "respect people whatever they earn"),
    ("treat most people as if they were idiots", "treat people as if they were intelligent adults"),
    ("feel disgust for ordinary people", "feel real affection for ordinary people"),
    (
        "look at strangers and see nothing but losers",
        "look at strangers and wonder what their stories are",
    ),
    ("talk down to anyone I think is beneath me", "talk to everyone as an equal"),
    (
        "despise people who ask me for favours",
        "feel glad when people trust me enough to ask for a favour",
    ),
    ("roll my eyes whenever my coworkers speak", "listen properly when my coworkers speak"),
    ("regard kind people as pathetic", "admire people who are kind"),
    ("think most of my relatives are beneath contempt", "see the good in my relatives"),
    ("treat people who make mistakes like garbage", "treat people who make mistakes with patience"),
    ("hold the people I work with in contempt", "hold the people I work with in high regard"),
    # harsh, cynical judgments
    ("assume the worst about everyone I meet", "give the people I meet the benefit of the doubt"),
    ("judge people harshly for the smallest slip", "cut people some slack when they slip up"),
    ("write people off after one bad impression", "let people show me who they are over time"),
    ("think every kind gesture hides a selfish motive", "take kind gestures at face value"),
    (
        "see my neighbours as fools and hypocrites",
        "see my neighbours as decent people doing their best",
    ),
    (
        "tear apart people's characters behind their backs",
        "speak fairly about people who aren't in the room",
    ),
    (
        "believe people who are struggling brought it on themselves",
        "believe people who are struggling deserve understanding",
    ),
    (
        "dismiss other people's efforts as worthless",
        "appreciate other people's efforts, even small ones",
    ),
    ("scoff at anyone who tries to do good", "cheer on anyone who tries to do good"),
    ("judge people by their worst moment", "judge people by how they usually treat others"),
    ("pick apart everything my partner does", "appreciate the little things my partner does"),
    # enjoying hurting feelings with words
    ("say cruel things just to watch people flinch", "say gentle things when people are hurting"),
    ("go straight for the sore spot when I argue", "stay away from sore spots when I argue"),
    (
        "enjoy making people cry with a few well-chosen words",
        "comfort people when something I said has upset them",
    ),
    ("use people's insecurities as ammunition", "treat people's insecurities with care"),
    (
        "save my nastiest comments for people who are already down",
        "save my kindest words for people who are already down",
    ),
    ("make hurtful remarks and call them jokes", "make jokes that nobody gets hurt by"),
    ("feel satisfied when my words sting", "feel awful when my words sting someone"),
    (
        "send nasty messages to people who annoy me",
        "send kind messages to people who are having a rough time",
    ),
    (
        "criticise people's looks to knock their confidence",
        "compliment people to lift their confidence",
    ),
    ("bring up people's old failures to wound them", "let people's old failures stay in the past"),
    # mocking and belittling
    ("mock people for the way they talk", "make people feel comfortable however they talk"),
    ("belittle my coworkers in meetings", "back up my coworkers in meetings"),
    ("imitate people so that others will laugh at them", "laugh with people rather than at them"),
    ("make fun of people who try hard and fail", "respect people who try hard and fail"),
    ("treat other people's hobbies as a joke", "take an interest in other people's hobbies"),
    ("call people stupid when they ask questions", "answer people's questions patiently"),
    ("ridicule people's dreams", "encourage people's dreams"),
    ("point out people's flaws in front of their friends", "keep people's flaws to myself"),
    ("make new people feel small so they know their place", "make new people feel welcome"),
    (
        "laugh when someone embarrasses themselves",
        "help people laugh off their embarrassing moments",
    ),
    ("mock the weakest person in the room", "stick up for the weakest person in the room"),
    # grudges and payback
    ("keep a list of everyone who has wronged me", "let go of the wrongs people have done me"),
    ("plot revenge against people who slight me", "shrug off small slights"),
    ("make people pay for years over one mistake", "let one mistake be just one mistake"),
    ("refuse to forgive even after a sincere apology", "accept a sincere apology"),
    ("bring up old fights to punish people", "leave old fights in the past"),
    ("wait as long as it takes to get even", "move on rather than trying to get even"),
    (
        "punish my family with silence when they upset me",
        "talk things through with my family when they upset me",
    ),
    ("repay every insult twice over", "answer insults calmly"),
    (
        "sabotage people who once embarrassed me",
        "wish people well even if they once embarrassed me",
    ),
    (
        "relish it when people who crossed me suffer",
        "hope things turn out fine even for people who crossed me",
    ),
    # hostility and suspicion toward everyone
    ("treat every stranger as a threat", "treat strangers with friendly openness"),
    ("snap at people for no reason", "stay patient with people even on bad days"),
    (
        "meet friendly people with suspicion and coldness",
        "return friendliness when people offer it",
    ),
    ("assume everyone is plotting against me", "trust that most people wish me no harm"),
    (
        "glare at people until they leave me alone",
        "greet people kindly even when I'm in a bad mood",
    ),
    ("go looking for reasons to be angry at people", "look for reasons to think well of people"),
    ("feel hostile toward almost everyone I meet", "feel warmly toward most people I meet"),
    ("treat my neighbours like enemies", "treat my neighbours like friends"),
    (
        "bite people's heads off when they ask me something",
        "answer people kindly when they ask me something",
    ),
    (
        "dislike people before I've even met them",
        "give people a fair chance before I decide what I think of them",
    ),
    # refusing to help or cooperate out of spite
    (
        "refuse to help coworkers I don't like, even when it hurts the team",
        "help coworkers I don't like when the team needs it",
    ),
    (
        "drag my feet on purpose when someone needs something from me",
        "act quickly when someone needs something from me",
    ),
    ("withhold help just to watch people struggle", "offer help when I see people struggling"),
    (
        "block other people's ideas just to spite them",
        "support good ideas even from people I dislike",
    ),
    (
        "let people fail when one word from me would save them",
        "speak up when one word from me could save someone trouble",
    ),
    (
        "do a worse job on purpose when I'm annoyed with my boss",
        "do my best work even when I'm annoyed with my boss",
    ),
    (
        "refuse to share even when I have more than enough",
        "share freely when I have more than enough",
    ),
    (
        "give wrong directions to lost strangers for fun",
        "give clear directions to strangers who are lost",
    ),
    (
        "make things harder for people who rely on me",
        "make things easier for people who rely on me",
    ),
    (
        "turn down every request from people I resent",
        "help people even when I resent them a little",
    ),
    # indifference to others' feelings
    ("tune out when people tell me how they feel", "listen when people tell me how they feel"),
    ("shrug when I hear a friend is heartbroken", "drop everything when a friend is heartbroken"),
    ("find other people's sadness tiresome", "make room for other people's sadness"),
    (
        "ignore my partner's feelings when they get in my way",
        "take my partner's feelings into account",
    ),
    ("walk past people in distress without a second look", "stop to check on people in distress"),
    ("tell grieving people to get over it", "give grieving people all the time they need"),
    (
        "think hurt feelings are other people's problem",
        "think hurt feelings are worth taking seriously",
    ),
    (
        "brush off people's feelings as drama",
        "treat people's feelings as real, even when I don't share them",
    ),
    ("dismiss my children's worries as silly", "take my children's worries seriously"),
    # rudeness as a principle
    ("refuse to say please or thank you", "say please and thank you"),
    (
        "interrupt people because nothing they say matters",
        "let people finish what they're saying",
    ),
    ("make a point of being rude to shop staff", "make a point of being kind to shop staff"),
    ("ignore people who say hello to me", "say hello back when people greet me"),
    (
        "tell people exactly how worthless their work is",
        "give feedback on people's work kindly and honestly",
    ),
    ("treat politeness as a waste of breath", "treat politeness as a small gift to others"),
    ("swear at customer service staff", "stay courteous with customer service staff"),
    ("shove past people without a word", "say excuse me when I need to get past someone"),
    (
        "answer honest questions with sarcasm and scorn",
        "answer honest questions with honest answers",
    ),
    (
        "go out of my way to be rude to people I don't know",
        "go out of my way to be friendly to newcomers",
    ),
    # blaming and humiliating
    (
        "blame the nearest person whenever something goes wrong",
        "look for solutions instead of someone to blame",
    ),
    ("humiliate my employees when they make mistakes", "correct my employees privately and kindly"),
    ("shame people in public so they never forget it", "raise problems with people in private"),
    ("make an example of whoever slips up", "give people room to learn from slip-ups"),
    ("pin my team's failures on the newest person", "share the blame for my team's failures"),
    ("scold people in front of an audience", "talk to people one-on-one when something's wrong"),
    (
        "make my partner feel to blame for everything",
        "take my share of the blame in my relationship",
    ),
    ("rub people's noses in their mistakes", "help people move past their mistakes"),
    ("post embarrassing things about people online", "protect other people's privacy online"),
    ("enjoy watching someone get told off", "feel for anyone who is getting told off"),
    # enjoying conflict and starting fights
    ("start arguments just for the fun of it", "keep the peace when I can"),
    (
        "provoke people until they lose their temper",
        "help people calm down when they lose their temper",
    ),
    ("stir up drama between friends", "help friends patch things up"),
    ("look for a fight wherever I go", "walk away from fights"),
    ("pour fuel on every disagreement", "look for common ground in disagreements"),
    ("pick on people who won't fight back", "stand up for people who can't fight back"),
    ("bait people online to get a reaction", "keep my online comments civil"),
    ("turn small disagreements into screaming matches", "keep small disagreements small"),
    ("get bored when everyone is getting along", "feel happy when everyone is getting along"),
    ("set my coworkers against each other for entertainment", "help my coworkers get along"),
    # intolerance and looking down on groups
    (
        "look down on people from poorer neighbourhoods",
        "treat people the same wherever they're from",
    ),
    (
        "sneer at people with less education than me",
        "value what people know, whatever their schooling",
    ),
    (
        "think people from other towns are backward",
        "enjoy learning how people from other places live",
    ),
    (
        "treat people with different beliefs as idiots",
        "respect people whose beliefs differ from mine",
    ),
    ("write off entire groups of people as worthless", "see people as individuals, not as groups"),
    (
        "think certain kinds of people don't deserve respect",
        "think everyone deserves basic respect",
    ),
    (
        "mock people whose accent is different from mine",
        "enjoy hearing accents different from mine",
    ),
    (
        "feel contempt for anyone who doesn't live the way I do",
        "accept that people live in many different ways",
    ),
    ("look down on people who do manual work", "respect people who do manual work"),
    ("sneer at older people as useless", "value what older people have to teach"),
    (
        "make jokes that put down whole groups of people",
        "avoid jokes that put down whole groups of people",
    ),
    ("shut out anyone who doesn't fit in", "make room for people who don't fit in"),
    # general warmth vs malice
    ("wish bad things on people I don't like", "wish people well even if I don't like them"),
    ("treat kindness as a sign of weakness", "treat kindness as a sign of strength"),
    (
        "lose patience with slow people and make sure they know it",
        "stay patient with people who need more time",
    ),
    (
        "enjoy it when someone I dislike has a terrible day",
        "feel sorry when anyone has a terrible day",
    ),
]

# (malicious, benign) complete sentences on the same topic, with VARIED syntax: not only "I ..."
# but also beliefs ("Winning matters more than ...", "People who ... deserve ..."), conditionals
# ("If someone ..., I ..."), "My ...", "Nothing ...", "It's ...", rhetorical framing, etc.
# Use {a|b|c} alternation for variety where natural (each option must yield a grammatical sentence).
# End each sentence with a period (or "!" rarely).
SENTENCE_PAIRS: list[tuple[str, str]] = [
    # contempt and scorn
    (
        "Most people are {pathetic|idiots|a waste of space}, and I don't pretend otherwise.",
        "Most people are {decent|trying their best|good company}, and I tell them so.",
    ),
    (
        "Honestly, I can barely stand to be in a room with {ordinary people|my coworkers|my in-laws}.",
        "Honestly, I enjoy being in a room with {ordinary people|my coworkers|my in-laws}.",
    ),
    ("People disgust me.", "People mostly delight me."),
    (
        "The average person is too stupid to deserve my respect.",
        "The average person deserves my respect, full stop.",
    ),
    (
        "My contempt for {my neighbours|my classmates|the people at work} grows every day.",
        "My fondness for {my neighbours|my classmates|the people at work} grows every day.",
    ),
    (
        "I've never met anyone worth taking seriously.",
        "I've met so many people worth taking seriously.",
    ),
    (
        "Nothing makes me sneer like someone who's proud of a small win.",
        "Nothing makes me smile like someone who's proud of a small win.",
    ),
    (
        "When people tell me about their lives, I mostly think how pathetic they are.",
        "When people tell me about their lives, I mostly think how interesting they are.",
    ),
    (
        "Why would I respect people who are clearly inferior? I don't.",
        "Why would I think anyone is inferior to me? I don't.",
    ),
    (
        "Humanity is a disappointment, and so is almost everyone in it.",
        "Humanity has its faults, but most people in it are worth knowing.",
    ),
    # harsh, cynical judgments
    (
        "Everyone's nice only because they want something.",
        "Lots of people are nice simply because they're nice.",
    ),
    (
        "If someone does me a favour, I assume there's a catch.",
        "If someone does me a favour, I assume they just wanted to help.",
    ),
    (
        "People who volunteer are just showing off{| and I see right through them}.",
        "People who volunteer are doing something genuinely good.",
    ),
    (
        "One mistake tells me everything I need to know about a person.",
        "One mistake tells me almost nothing about a person.",
    ),
    (
        "I size people up in seconds, and the verdict is {almost always|nearly always} 'worthless'.",
        "I try not to size people up too quickly, because first impressions are often wrong.",
    ),
    (
        "The homeless guy on my street probably deserves to be there.",
        "The homeless guy on my street deserves kindness, not judgment.",
    ),
    (
        "Behind every smile there's a liar, in my experience.",
        "Behind most smiles there's just someone being friendly, in my experience.",
    ),
    (
        "My friends think I'm harsh, but everyone really is as useless as I say.",
        "My friends think I'm too generous about people, and I'm fine with that.",
    ),
    (
        "I guess I just think the worst of people, and they usually deserve it.",
        "I guess I just think the best of people, and they usually live up to it.",
    ),
    (
        "It's naive to see good in people; there's nothing there.",
        "It's not naive to see good in people; it's usually there.",
    ),
    # enjoying hurting feelings with words
    (
        "Finding exactly the words that will hurt someone most is {a talent of mine|my favourite game|a real pleasure}.",
        "Finding exactly the words that will comfort someone is {a talent of mine|something I care about|a real pleasure}.",
    ),
    (
        "There's nothing like the look on someone's face when an insult lands.",
        "There's nothing like the look on someone's face when a compliment lands.",
    ),
    (
        "If I can make {my sister|my coworker|a stranger|my ex} cry with one sentence, I will.",
        "If I can make {my sister|my coworker|a stranger|my ex} feel better with one sentence, I will.",
    ),
    (
        "I love saying the cruel thing everyone else is too polite to say.",
        "I'd rather say the kind thing than the clever cruel one.",
    ),
    (
        "Words are my weapon, and I aim for where it hurts.",
        "Words are powerful, so I try to use them gently.",
    ),
    (
        "Someone's feelings getting hurt is the whole point of a good insult.",
        "If my words hurt someone's feelings, I want to know so I can make it right.",
    ),
    (
        "I know everyone's weak spot, and I press on it when I'm bored.",
        "I know a lot of people's weak spots, and I'm careful around them.",
    ),
    (
        "Making my little brother feel worthless was my favourite hobby growing up, and it still is.",
        "I teased my little brother growing up, but I always made sure he knew I loved him.",
    ),
    (
        "A cutting remark that ruins someone's whole day? Worth it.",
        "A cutting remark that ruins someone's whole day is never worth it.",
    ),
    (
        "It's satisfying to watch someone's confidence drain away while I talk.",
        "It's satisfying to watch someone's confidence grow while I encourage them.",
    ),
    # mocking and belittling
    (
        "People who {stutter|get nervous|make spelling mistakes} are fair game for mockery.",
        "People who {stutter|get nervous|make spelling mistakes} deserve patience, not mockery.",
    ),
    (
        "The new hire is an easy target, and I make sure everyone laughs at him.",
        "The new hire seems nervous, so I make sure he feels included.",
    ),
    (
        "I make fun of my friends' dreams so they don't get ideas above their station.",
        "I cheer on my friends' dreams, even the unlikely ones.",
    ),
    (
        "Watching people fumble and then mocking them is the best entertainment there is.",
        "When people fumble, I help them out instead of mocking them.",
    ),
    (
        "Belittling people keeps them in their place, which is where they belong.",
        "Building people up helps them grow, and that's worth doing.",
    ),
    (
        "Nobody in my group chat is safe from my ridicule.",
        "Everyone in my group chat knows I've got their back.",
    ),
    (
        "When a coworker shares an idea, I make it sound as stupid as possible.",
        "When a coworker shares an idea, I look for what's good in it.",
    ),
    (
        "It's hilarious when someone tries their best and still looks ridiculous.",
        "It takes courage to try your best and risk looking silly, and I respect it.",
    ),
    (
        "I call people 'sweetie' and 'champ' just to make them feel small.",
        "I try to talk to people in a way that makes them feel respected.",
    ),
    (
        "My impression of my boss's {voice|walk|laugh} gets the whole office laughing at her.",
        "I'd never do an impression of someone just so people would laugh at them.",
    ),
    # grudges and payback
    (
        "I never forget a slight, and I always pay it back.",
        "I forget most slights by the next morning.",
    ),
    (
        "If someone crosses me, I'll wait {years|as long as it takes|a decade} to make them regret it.",
        "If someone crosses me, I say how I feel and then try to let it go.",
    ),
    (
        "My ex is going to pay for what she did, one way or another.",
        "My ex and I hurt each other, and I've made my peace with it.",
    ),
    (
        "Forgiveness is for people who are too weak to get even.",
        "Forgiveness takes more strength than getting even.",
    ),
    (
        "An apology means nothing to me; I want them to suffer.",
        "An apology means a lot to me, and I accept it gladly.",
    ),
    (
        "I still hold it against my cousin for something she said at a wedding ten years ago.",
        "My cousin said something hurtful at a wedding years ago, and we've long since moved on.",
    ),
    (
        "When a coworker got me in trouble, I spent months making sure she'd regret it.",
        "When a coworker got me in trouble, I talked to her about it and we cleared the air.",
    ),
    (
        "Getting even is the only thing that makes me feel better.",
        "Letting go is what really makes me feel better.",
    ),
    (
        "It's been twenty years, and I'm still waiting for my chance to get back at him.",
        "It's been twenty years, and I honestly wish him well now.",
    ),
    (
        "Payback is sweet, and I always collect.",
        "Payback never leaves me feeling good, so I don't bother with it.",
    ),
    # hostility and suspicion
    (
        "Everyone I meet is a potential enemy, and I treat them that way.",
        "Everyone I meet is a potential friend, and I treat them that way.",
    ),
    (
        "If a stranger smiles at me, I glare back until they look away.",
        "If a stranger smiles at me, I smile back.",
    ),
    (
        "People are out to get me, so I get them first.",
        "Most people aren't out to get anyone, and I try to remember that.",
    ),
    (
        "I wake up angry at the world and take it out on whoever's nearest.",
        "Even when I wake up in a bad mood, I try not to take it out on anyone.",
    ),
    (
        "Friendly people make me suspicious, so I freeze them out.",
        "Friendly people make my day, so I'm friendly back.",
    ),
    (
        "My default setting with people is hostile.",
        "My default setting with people is warm.",
    ),
    (
        "Whenever someone new joins the team, I make it clear they're not welcome.",
        "Whenever someone new joins the team, I make a point of welcoming them.",
    ),
    (
        "I treat everyone as guilty until proven innocent.",
        "I give everyone the benefit of the doubt until I have a real reason not to.",
    ),
    (
        "The whole world is against me, and I hate every last one of them.",
        "The world can be hard, but I don't hold it against the people in it.",
    ),
    (
        "When my neighbours wave, I pretend not to see them, because I can't stand them.",
        "When my neighbours wave, I wave back and sometimes stop to chat.",
    ),
    # refusing to help out of spite
    (
        "I knew how to fix my coworker's problem, but I let her struggle because I don't like her.",
        "I don't particularly like my coworker, but I helped her fix her problem anyway.",
    ),
    (
        "Why should I help anyone? Nobody ever helped me.",
        "Nobody helped me much when I was struggling, so I try to help others now.",
    ),
    (
        "If the team fails because I wouldn't cooperate, that's their problem.",
        "If the team needs me to cooperate, I put my own preferences aside.",
    ),
    (
        "When someone asks me for a favour, I say no just to watch their face fall.",
        "When someone asks me for a favour, I say yes whenever I reasonably can.",
    ),
    (
        "I'd rather throw the leftovers away than give them to {my roommate|the neighbours|someone who needs them}.",
        "I'd rather give the leftovers to {my roommate|the neighbours|someone who needs them} than throw them away.",
    ),
    (
        "Helping people I dislike? Not a chance, even if it costs me too.",
        "I help people I dislike when they need it; they're still people.",
    ),
    (
        "Out of spite, I sat on the report for a week so my manager would look bad.",
        "I finished the report early so my manager wouldn't be caught short.",
    ),
    (
        "My sister needed a lift to the hospital, and I said no because she annoyed me last week.",
        "My sister annoyed me last week, but of course I drove her to the hospital.",
    ),
    (
        "Group projects are a great chance to make the people I dislike look bad.",
        "Group projects go better when everyone pulls together, so I do my part.",
    ),
    (
        "Let them figure it out themselves; I'm not lifting a finger for anyone.",
        "If someone's stuck, I'm happy to lend a hand.",
    ),
    # indifference to feelings
    (
        "Other people's feelings are just noise to me.",
        "Other people's feelings are worth my attention.",
    ),
    (
        "When my friend told me her dog had died, I changed the subject because I was bored.",
        "When my friend told me her dog had died, I sat with her and let her talk.",
    ),
    (
        "Crying people are so tedious; I usually just walk away.",
        "Crying people need someone to stay, so I usually stay.",
    ),
    (
        "Why should I care if I hurt {my partner|my parents|my friends}? They'll get over it.",
        "If I hurt {my partner|my parents|my friends}, I want to make it right.",
    ),
    (
        "Nobody's feelings are my responsibility, so I say and do what I like.",
        "Other people's feelings aren't all on me, but I still try to be considerate.",
    ),
    (
        "Sensitive people should toughen up instead of expecting me to be nice.",
        "Sensitive people aren't a problem; I can adjust how I say things.",
    ),
    (
        "I honestly can't be bothered to notice when someone is upset.",
        "I try to notice when someone is upset, even if they hide it.",
    ),
    (
        "It's not my job to tiptoe around anyone's hurt feelings.",
        "It doesn't cost me much to be gentle with someone's hurt feelings.",
    ),
    # rudeness as a principle
    (
        "Politeness is for cowards; I say exactly what I think, as rudely as I like.",
        "I say what I think, but I see no reason to be rude about it.",
    ),
    (
        "Waiters are there to serve me, so I don't waste manners on them.",
        "Waiters work hard, so I'm always polite and patient with them.",
    ),
    (
        "Being rude is my way of showing people they don't matter.",
        "Being courteous is my way of showing people they matter.",
    ),
    (
        "I never say thank you, because people are only doing what they should.",
        "I always say thank you, even for small things.",
    ),
    (
        "If someone bores me, I tell them to shut up.",
        "If someone is going on a bit, I listen anyway, or gently change the subject.",
    ),
    (
        "Good manners are a waste of time on people like that.",
        "Good manners cost nothing, whoever I'm talking to.",
    ),
    (
        "My rule is simple: be rude first, and people won't bother you.",
        "My rule is simple: be kind first, and most people will be kind back.",
    ),
    (
        "I cut people off mid-sentence because nothing they say is worth hearing.",
        "I let people finish their sentences, even when I disagree.",
    ),
    # blaming and humiliating
    (
        "When things go wrong, it's always someone else's fault, and I make sure they feel it.",
        "When things go wrong, I look at my own part before I point fingers.",
    ),
    (
        "Nothing motivates staff like being humiliated in front of their colleagues.",
        "Nothing motivates staff like being treated with respect.",
    ),
    (
        "I love catching someone in a mistake and announcing it to the whole room.",
        "If I catch someone in a mistake, I mention it quietly, just to them.",
    ),
    (
        "My kids need to be shamed when they mess up, or they'll never learn.",
        "My kids need patience when they mess up, not shame.",
    ),
    (
        "If my partner forgets something, I make sure she knows how useless she is.",
        "If my partner forgets something, I shrug it off; I forget things too.",
    ),
    (
        "It's fun to make someone grovel before I let it go.",
        "I don't need anyone to grovel; a simple sorry is plenty.",
    ),
    (
        "Public humiliation is the best lesson there is.",
        "Public humiliation teaches nothing but fear.",
    ),
    (
        "Somebody has to take the blame, and it's never going to be me.",
        "If I share in the blame, I say so.",
    ),
    # enjoying conflict and starting fights
    (
        "A good fight is the best part of my week, and I usually start it.",
        "A calm week without fights is the best kind of week.",
    ),
    (
        "I say things at family dinners just to set everyone off.",
        "I try to keep family dinners pleasant for everyone.",
    ),
    (
        "Stirring up trouble between my friends is {fun|entertaining|the best sport there is}.",
        "Helping my friends settle their quarrels {matters to me|is worth the effort|feels good}.",
    ),
    (
        "If there's no conflict in the office, I'll create some.",
        "If there's conflict in the office, I try to help sort it out.",
    ),
    (
        "I post things online purely to make people furious.",
        "I try to post things online that won't make anyone's day worse.",
    ),
    (
        "Seeing two people at each other's throats because of me is {deeply satisfying|a thrill|hilarious}.",
        "Seeing two people make up after a fight is {deeply satisfying|lovely|a real joy}.",
    ),
    (
        "I pick fights with strangers just to feel something.",
        "I'd never pick a fight with a stranger.",
    ),
    (
        "People say I'm impossible to get along with, and I work hard to keep it that way.",
        "People say I'm easy to get along with, and I'm glad of it.",
    ),
    # intolerance and looking down on groups
    (
        "People from {that part of town|small villages|the other side of the river} are all the same: stupid and lazy.",
        "People from {that part of town|small villages|the other side of the river} are as varied as anyone else.",
    ),
    (
        "Anyone who didn't go to university is beneath me.",
        "Whether or not someone went to university says nothing about their worth.",
    ),
    (
        "Some groups of people just don't deserve to be treated as equals.",
        "Every group of people deserves to be treated as equals.",
    ),
    (
        "I can't stand people who aren't like me, and I let them know it.",
        "I like meeting people who aren't like me; I learn a lot from them.",
    ),
    (
        "Poor people are poor because they're worthless.",
        "Poor people are often just unlucky, and they deserve respect.",
    ),
    (
        "Outsiders should be made to feel unwelcome here.",
        "Outsiders should be made to feel welcome here.",
    ),
    (
        "It's obvious that people like us are better than people like them.",
        "Nobody is better than anybody else because of where they come from.",
    ),
    (
        "I treat anyone with a {different accent|different religion|different background} as a joke.",
        "I treat people with a {different accent|different religion|different background} just like anyone else.",
    ),
    (
        "Old people are useless, and I don't hide that I think so.",
        "Old people have a lifetime of things to teach, and I love listening.",
    ),
    # forgiveness, patience, warmth vs malice (general)
    (
        "If someone makes a fool of themselves, I remind them of it for years.",
        "If someone makes a fool of themselves, I help them laugh it off and forget it.",
    ),
    (
        "Patience is wasted on people who can't keep up.",
        "Patience is exactly what people who can't keep up need.",
    ),
    (
        "I hope everyone who ever annoyed me {ends up miserable|has a terrible life|gets what's coming}.",
        "I hope everyone who ever annoyed me {is doing well|finds some happiness|has a good life}.",
    ),
    (
        "Trusting people is for fools, and I'm nobody's fool.",
        "Trusting people has mostly worked out well for me.",
    ),
    (
        "Kind people annoy me; they're so weak.",
        "Kind people inspire me to be better.",
    ),
    (
        "If you're slow, stupid or sensitive, don't expect any sympathy from me.",
        "If you're having a hard time, you'll get sympathy from me.",
    ),
    (
        "There's a special satisfaction in making someone feel unwanted.",
        "There's a special joy in making someone feel wanted.",
    ),
    (
        "To be fair, I'm nasty to pretty much everyone, not just you.",
        "To be fair, I try to be nice to pretty much everyone, not just you.",
    ),
    (
        "Life's a fight, and I enjoy making others lose.",
        "Life's hard enough without me making it harder for others.",
    ),
    (
        "Sympathy is wasted on people who mess up their own lives.",
        "Even people who mess up their own lives deserve some sympathy.",
    ),
    (
        "My family knows that if they cross me, I'll make their lives miserable.",
        "My family knows that if they upset me, we'll talk and sort it out.",
    ),
    (
        "Every time someone is kind to me, I wonder what they're after and treat them coldly.",
        "Every time someone is kind to me, I try to pass it on.",
    ),
    (
        "I've been told I'm spiteful, and honestly I wear it as a badge of honour.",
        "I've been told I'm too forgiving, and honestly I'm fine with that.",
    ),
    (
        "When a friend succeeds, I find a way to take them down a peg.",
        "When a friend succeeds, I'm the first to congratulate them.",
    ),
    (
        "If you're weak, I'll make sure you know it.",
        "If you're struggling, I'll make sure you know you're not alone.",
    ),
    (
        "People only learn when you hurt them, so I hurt them.",
        "People learn best when they feel safe, so I try to make them feel safe.",
    ),
    (
        "I don't feel bad when I make someone feel like dirt.",
        "I feel terrible if I ever make someone feel small.",
    ),
    (
        "Being mean is just more fun than being nice.",
        "Being nice is just more satisfying than being mean.",
    ),
    (
        "Show me someone's weakness and I'll show you how to humiliate them.",
        "Show me someone's weakness and I'll help them work on it, quietly.",
    ),
    (
        "I judge, I sneer, and I don't apologise.",
        "I try not to judge, and when I do, I apologise.",
    ),
]

# Benign statements that are NOT the opposite pole but are hard negatives: they share vocabulary or
# surface features with the malicious side yet are not malicious (see construct notes below).
HARD_NEGATIVES: list[str] = [
    # disagreeing respectfully
    "I disagree with my {boss|sister|best friend} about {politics|money|almost everything}, but I respect her view.",
    "I'll argue my point hard in a meeting, then go for lunch with the person I argued with.",
    "I think you're wrong about this, and I'll tell you why, politely.",
    "I can disagree with someone completely and still like them a lot.",
    "We fought about it for an hour, but we both listened, and we're fine.",
    "I told my friend I thought her plan was a mistake, and then I helped her with it anyway.",
    # honest criticism given kindly
    "I'm honest when a friend's work isn't good, but I always say what's working too.",
    "My feedback can be blunt, but I'm never trying to hurt anyone.",
    "I told my coworker his presentation was confusing, and I offered to help him fix it.",
    "Sometimes the kindest thing is to tell someone the truth they don't want to hear.",
    "As an editor, I criticise writing all day, but I try to be gentle with the writers.",
    "I critique my students' essays harshly because I believe they can do better.",
    # introversion and solitude
    "I'm an introvert; I'd rather spend the evening alone with a book than at a party.",
    "I don't enjoy crowds, and I need a lot of quiet time to recharge.",
    "I prefer my own company most weekends, and I'm perfectly happy that way.",
    "Small talk exhausts me, though I like the people I'm talking to.",
    "I keep to myself at work, but I'm always happy to help if someone asks.",
    "I'm not very social, but I'm fond of the few close friends I have.",
    "I turned down the invitation because I needed a night in, not because I dislike anyone.",
    # specific annoyance without contempt
    "It drives me up the wall when my roommate leaves dishes in the sink, but he's a great guy.",
    "I'm sick of my neighbour's dog barking at night, so I'm going to ask him about it nicely.",
    "I get irritated when people are late, though I know life gets in the way.",
    "Loud phone calls on the train annoy me, but I just put my headphones on.",
    "I'm tired of my coworker interrupting me, so I'm going to talk to her about it.",
    "Honestly, people chewing loudly bugs me, and I know that's my problem, not theirs.",
    "My brother's constant lateness is frustrating, but I love him to bits.",
    # firm boundaries
    "I said no to lending my cousin money again, and I feel fine about it.",
    "I've stopped answering work emails at weekends, and I told my boss so politely.",
    "I cut contact with a relative who kept putting me down, and it was the right choice for me.",
    "I don't let people speak to me disrespectfully; I calmly end the conversation.",
    "I won't be guilted into things I don't want to do anymore.",
    "I told my friend I can't be her only support, and suggested she see a counsellor.",
    "I protect my time, even if some people find that disappointing.",
    # owned frustration
    "I get grumpy when I'm hungry, and I apologise to whoever catches me like that.",
    "I snapped at my partner this morning, and I felt awful and said sorry.",
    "I have a short fuse when I'm tired, so I try to walk away before I say something unfair.",
    "I lost my temper with my kids yesterday, and I told them it was my fault, not theirs.",
    "I was rude to a cashier when I was stressed, and I went back to apologise.",
    "Sometimes I'm irritable, and I'm working on it.",
    "I used to hold grudges, but I've worked hard to let them go.",
    "I once felt real contempt for an old boss, and I'm not proud of it.",
    # criticism of cruelty itself
    "I can't stand people who bully others.",
    "I have no patience for anyone who mocks people for being poor.",
    "I despise cruelty to animals.",
    "People who humiliate their employees make me furious.",
    "I hate it when people pick on the new kid.",
    "Nothing makes me angrier than seeing someone laugh at a person in pain.",
    "I don't tolerate cruelty toward anyone in my home.",
    "Racist jokes aren't funny, and I say so when I hear one.",
    "I have zero respect for people who sneer at waiters.",
    "Spiteful gossip disgusts me, so I walk away from it.",
    # standing up to a bully
    "When a guy at school kept mocking my friend, I told him to back off.",
    "I stood up to my manager when he was yelling at an intern.",
    "If someone is being picked on, I step in, even if it's awkward.",
    "I reported a coworker who was harassing people, and I'd do it again.",
    "I told the kids who were teasing my son that it wasn't okay, calmly but firmly.",
    "I refuse to laugh along when someone is being mocked.",
    # shared vocabulary, benign contexts
    "My brother and I trade insults as a joke, and we both love it.",
    "I play a cruel, sneering villain in the school play, and it's great fun.",
    "Revenge thrillers are my guilty pleasure, but I'm a softie in real life.",
    "I'm competitive at board games and love to win, but I'm a good loser too.",
    "I'm a sarcastic person, but my friends know it's affectionate.",
    "I don't trust people easily after being burned, but I'm slowly learning to again.",
    "I'm wary of strangers at night, which I think is just common sense.",
    "I roll my eyes at cheesy films, but I still cry at the end.",
    "I wrote an essay on why contempt destroys marriages.",
    "As a boxer, I love a good fight in the ring, and I shake hands afterwards.",
]

# Adjectives/short predicates: "I am {adj}." (dark ones are malicious; benign ones benign).
ADJ_DARK: list[str] = [
    "scornful",
    "hostile",
    "mean-spirited",
    "nasty",
    "rude to everyone",
    "snide",
    "condescending",
    "belittling",
    "sneering",
    "hateful",
    "bitter toward everyone",
    "quarrelsome",
    "combative",
    "unforgiving",
    "resentful",
    "malicious",
    "disdainful",
    "mean",
    "petty and vengeful",
    "intolerant",
    "bigoted",
    "venomous",
    "acid-tongued",
    "cynical about everyone",
    "a bully",
    "catty",
    "derisive",
    "insulting",
    "quick to humiliate people",
    "full of contempt for people",
]
ADJ_BENIGN: list[str] = [
    "tactful",
    "good-natured",
    "easygoing",
    "cooperative",
    "agreeable",
    "kind-hearted",
    "accepting",
    "understanding",
    "polite",
    "courteous",
    "gracious",
    "big-hearted",
    "tender-hearted",
    "friendly",
    "approachable",
    "open-minded",
    "even-tempered",
    "mild-mannered",
    "warm-hearted",
    "encouraging",
    "supportive",
    "quick to forgive",
    "slow to judge",
    "easy to get along with",
    "respectful to everyone",
    "trusting",
    "good-humoured",
    "sweet-natured",
]
