"""Statement items for the SELF-IMAGE / GRANDIOSITY construct family.

Covers the grandiose-narcissistic side of malicious character: grandiosity and superiority over
others; entitlement to special treatment; craving admiration and attention at others' expense;
exploiting people to boost status; contempt for people judged inferior; intolerance of criticism
and rage at slights; envy and wanting others to fail; believing rules, queues and limits should
not apply to oneself; taking credit for others' work; using people as an audience.

The benign side covers humility, a realistic self-view, sharing credit, welcoming criticism,
celebrating others' success and seeing oneself as equal to others. HARD_NEGATIVES hold
insecure / self-critical statements (low self-esteem, shyness, impostor feelings, self-doubt)
and healthy-confidence statements, neither of which is malicious.

Written from construct definitions (conceptual descriptions of grandiose narcissism and
entitlement) without access to any evaluation set, and without reproducing items from any
published questionnaire. Written by a project helper, 2026-11-28.
"""

# (malicious, benign) verb phrases. Each must read grammatically after ALL of:
# "I ...", "I often ...", "I never ...", "I don't ...", "I tend to ...", "I would never ...".
# So: a bare base-form verb phrase, no leading "I", no final period, no "my own" ambiguities.
# The benign side is the opposite pole or a humane alternative on the SAME topic.
VP_PAIRS: list[tuple[str, str]] = [
    # grandiosity and superiority
    (
        "consider myself smarter than nearly everyone I meet",
        "assume the people I meet know things I don't",
    ),
    (
        "think the world would be lost without someone like me",
        "think the world would get on fine without me",
    ),
    (
        "see myself as a genius surrounded by amateurs",
        "see myself as one capable person among many",
    ),
    (
        "believe history will remember my name",
        "accept that I'm an ordinary person living an ordinary life",
    ),
    (
        "talk down to people who know less than me",
        "explain things patiently to people who know less than me",
    ),
    ("treat my opinions as the final word", "treat my opinions as one view among many"),
    (
        "believe I could run any company better than the people in charge",
        "respect how hard it is to run a company",
    ),
    ("think ordinary jobs are beneath someone of my calibre", "think no honest job is beneath me"),
    (
        "assume everyone in the room is secretly impressed by me",
        "assume people are mostly thinking about their own lives",
    ),
    ("measure my worth by how far above others I stand", "measure my worth by how I treat people"),
    (
        "compare myself to great historical figures and come out ahead",
        "compare myself to great historical figures and feel humbled",
    ),
    (
        "refuse to learn from anyone I consider beneath me",
        "learn from anyone who has something to teach",
    ),
    ("rank everyone I meet and put myself at the top", "see the people I meet as equals"),
    ("assume I'd be the best at anything I tried", "assume I'd have to work hard at anything new"),
    (
        "make sure everyone knows I'm the smartest person at the table",
        "let others be the smartest person at the table",
    ),
    ("boast about my talents until people get tired of hearing it", "let my work speak for itself"),
    # entitlement
    (
        "expect people to drop everything when I need something",
        "wait my turn when I need something",
    ),
    ("demand upgrades and perks wherever I go", "take what I'm given without making a fuss"),
    ("feel owed a promotion regardless of my results", "expect promotions to depend on my results"),
    ("get furious when I'm not given priority", "stay patient when others are served first"),
    (
        "expect my partner to cater to my every need",
        "look after my partner's needs as much as mine",
    ),
    ("think people should be grateful just to know me", "feel grateful for the people who know me"),
    ("make a scene when I don't get the best table", "take whatever table is free"),
    (
        "expect my friends to pay because my company is worth it",
        "take turns paying when I go out with friends",
    ),
    (
        "believe I deserve success without working as hard as others",
        "believe success has to be earned",
    ),
    (
        "think my time is more valuable than anyone else's",
        "think other people's time matters as much as mine",
    ),
    ("expect a reward for doing the bare minimum", "do my share without expecting a reward"),
    (
        "feel entitled to other people's time whenever I want it",
        "ask whether people have time before I take it",
    ),
    ("demand that my family revolve around my schedule", "fit my schedule around my family too"),
    ("expect praise for things anyone could do", "do ordinary things without expecting praise"),
    ("expect gratitude for every small favour", "do small favours without expecting gratitude"),
    # craving admiration and attention at others' expense
    ("sulk when someone else is the centre of attention", "enjoy letting someone else shine"),
    ("interrupt people so the conversation comes back to me", "let people finish their stories"),
    ("upstage friends on their birthdays", "let my friends enjoy their birthdays"),
    ("demand constant praise from the people around me", "manage fine without constant praise"),
    ("pick friends who will flatter me", "pick friends who tell me the truth"),
    (
        "turn other people's bad news into a story about me",
        "keep the focus on someone when they share bad news",
    ),
    (
        "post about myself constantly so everyone has to notice me",
        "post about my life only now and then",
    ),
    (
        "get bored the moment nobody is praising me",
        "stay interested in conversations that aren't about me",
    ),
    (
        "hijack meetings to talk about my accomplishments",
        "use meetings to hear what others have done",
    ),
    ("compete for attention even at funerals", "step back when someone else needs the attention"),
    ("exaggerate stories so I look like the hero", "tell stories the way they really happened"),
    (
        "punish people who stop paying me attention",
        "let people drift without holding it against them",
    ),
    ("sulk for days when I don't win an award", "congratulate whoever wins the award"),
    ("enjoy watching people compete for my approval", "give my approval freely and fairly"),
    # exploiting others to boost status
    ("date people mainly because they make me look good", "date people because I care about them"),
    (
        "name-drop important people to make others feel small",
        "talk to people as equals, whoever I know",
    ),
    ("drop friends who can't help me climb", "keep friends whatever their status"),
    (
        "use my team's hard work as a stepping stone for my career",
        "make sure my team's hard work is recognised",
    ),
    (
        "attach myself to powerful people and discard them when they fall",
        "stand by people when they fall from power",
    ),
    ("show off my partner like a trophy", "treat my partner as an equal, not a trophy"),
    (
        "volunteer only when someone important is watching",
        "volunteer whether or not anyone notices",
    ),
    ("make junior staff do my work so I look productive", "do my fair share of the work"),
    ("use charity events to get my photo taken", "give to charity quietly"),
    (
        "cozy up to the boss while stepping on coworkers",
        "treat my boss and my coworkers the same way",
    ),
    (
        "keep less impressive people around so I look better by comparison",
        "choose friends for who they are, not how they make me look",
    ),
    ("make my employees compete to please me", "make my employees feel valued"),
    (
        "belittle my partner's career so mine looks more important",
        "support my partner's career as much as mine",
    ),
    # contempt for people judged inferior
    ("sneer at people with less education than me", "respect people whatever their education"),
    (
        "look down on people with cheap clothes and cheap cars",
        "treat people the same whatever they wear or drive",
    ),
    (
        "roll my eyes when ordinary people share their opinions",
        "listen carefully when ordinary people share their opinions",
    ),
    ("think people who work in shops are failures", "respect people who work in shops"),
    ("refuse to talk to people I find beneath me", "talk to anyone who wants to talk to me"),
    ("laugh at people with strong regional accents", "enjoy hearing all kinds of accents"),
    (
        "feel disgust for people who earn less than me",
        "see people who earn less than me as my equals",
    ),
    ("make fun of people who are slow to understand", "slow down for people who need more time"),
    ("dismiss anyone without a fancy job title", "take people seriously whatever their job title"),
    (
        "feel embarrassed to be seen with unimpressive people",
        "feel proud to be seen with my friends, whoever they are",
    ),
    ("speak to service workers like children", "speak to service workers with courtesy"),
    ("treat my relatives as simpletons compared to me", "treat my relatives as equals"),
    ("belittle people so I feel bigger", "build people up so they feel confident"),
    (
        "think people who disagree with me are simply too dim to understand",
        "think people who disagree with me may have a point",
    ),
    ("correct people just to show I know more", "correct people only when it actually helps them"),
    # intolerance of criticism, rage at slights
    (
        "fly into a rage when someone questions my judgement",
        "stay open when someone questions my judgement",
    ),
    (
        "take every piece of feedback as a personal attack and strike back",
        "take feedback as useful information",
    ),
    ("humiliate anyone who points out my mistakes", "thank people who point out my mistakes"),
    (
        "hold a grudge against anyone who corrects me in public",
        "laugh it off when someone corrects me in public",
    ),
    ("cut off friends who criticise me", "stay close to friends who criticise me"),
    (
        "go cold and punishing when someone hurts my pride",
        "talk it through when someone hurts my pride",
    ),
    (
        "attack the reviewer when my work gets a bad review",
        "look for what I can learn from a bad review",
    ),
    (
        "insist I was right even when the evidence says otherwise",
        "change my mind when the evidence says otherwise",
    ),
    ("make people pay for the smallest slight", "let small slights go"),
    (
        "explode at waiters who get my order wrong",
        "stay friendly when a waiter gets my order wrong",
    ),
    (
        "rewrite what happened so I always come out looking right",
        "admit it when I got something wrong",
    ),
    (
        "refuse to apologise because it would make me look weak",
        "apologise even when it makes me look weak",
    ),
    ("turn every disagreement into a contest I have to win", "let some disagreements go"),
    (
        "keep people waiting to show them who's important",
        "show up on time out of respect for people",
    ),
    # envy and wanting others to fail
    ("secretly hope my friends' businesses fail", "hope my friends' businesses thrive"),
    (
        "resent coworkers who get promoted ahead of me",
        "congratulate coworkers who get promoted ahead of me",
    ),
    ("feel a rush of satisfaction when a rival stumbles", "feel sorry when a rival stumbles"),
    (
        "downplay my friends' achievements so mine look bigger",
        "make a fuss of my friends' achievements",
    ),
    (
        "find reasons to criticise anyone who is more popular than me",
        "like people who are more popular than me",
    ),
    (
        "give people bad advice so they won't overtake me",
        "give people my best advice even if they might overtake me",
    ),
    (
        "feel cheated when good things happen to other people",
        "feel happy when good things happen to other people",
    ),
    ("gossip about successful people to bring them down a peg", "speak well of successful people"),
    ("wish my siblings would fail so I'd be the favourite", "want my siblings to do well"),
    (
        "root against my teammates when they might get the credit",
        "root for my teammates even when they'll get the credit",
    ),
    ("treat compliments to others as insults to me", "treat compliments to others as good news"),
    # rules, queues and limits
    ("cut in line because my time matters more", "wait in line like everyone else"),
    (
        "park in disabled spaces when it's convenient for me",
        "leave disabled spaces for people who need them",
    ),
    ("think deadlines are for other people", "hold myself to the same deadlines as everyone else"),
    (
        "skip the rules at work because I'm too important to follow them",
        "follow the same procedures as my coworkers",
    ),
    (
        "expect to be let off fines that anyone else would have to pay",
        "pay my fines like anyone else",
    ),
    ("expect exceptions to be made for me", "accept the same limits as everyone else"),
    (
        "ignore house rules when I'm a guest because they don't apply to me",
        "respect house rules when I'm a guest",
    ),
    (
        "think speed limits are for worse drivers than me",
        "stick to speed limits like everyone else",
    ),
    (
        "walk past security checks as if they don't concern me",
        "go through security checks like everyone else",
    ),
    (
        "treat office policies as suggestions for lesser employees",
        "follow office policies even when they're inconvenient",
    ),
    ("expect the queue to part for me", "take my place at the back of the queue"),
    ("act like the rules of politeness don't apply to me", "stay polite even when I'm in a hurry"),
    # taking credit for others' work
    (
        "present my colleagues' ideas as mine in meetings",
        "name the colleague who came up with an idea",
    ),
    ("put my name on work I barely touched", "leave my name off work I barely touched"),
    ("accept praise for a project someone else carried", "point out who really carried a project"),
    ("let my assistant's work go out under my name alone", "credit my assistant by name"),
    ("retell a friend's clever joke as if it were mine", "tell people where I heard a good joke"),
    ("leave the intern out of the thank-you email", "thank the intern by name"),
    ("take all the glory when my team wins", "give my team the glory when we win"),
    (
        "inflate my role in past projects to look more important",
        "describe my role in a project accurately",
    ),
    ("claim I did the hard part of every group project", "admit when others did the hard part"),
    # using people as an audience
    ("treat my friends as an audience for my stories", "treat my friends as people to listen to"),
    ("only call people when I want to talk about myself", "call people to ask how they are"),
    (
        "lose interest in people when they stop listening to me",
        "stay interested in people who have their own stories",
    ),
    (
        "see my partner mostly as someone to applaud me",
        "see my partner as someone with their own dreams",
    ),
    ("collect admirers like trophies", "value a few honest friends over a crowd of admirers"),
    (
        "monologue at people without asking a single question",
        "ask people questions about themselves",
    ),
    (
        "get irritated when a friend talks about their problems instead of mine",
        "listen when a friend talks about their problems",
    ),
    (
        "invite people over mainly so they can admire my house",
        "invite people over to spend time with them",
    ),
    (
        "perform for people rather than talk with them",
        "talk with people rather than perform for them",
    ),
    (
        "hand out praise only to people who praise me back",
        "praise people whether or not they praise me",
    ),
    (
        "hold back help from people who haven't shown me enough respect",
        "help people whether or not they flatter me",
    ),
    (
        "brag about my salary to people who earn less",
        "keep my salary to myself around people who earn less",
    ),
]

# (malicious, benign) complete sentences on the same topic, with VARIED syntax.
SENTENCE_PAIRS: list[tuple[str, str]] = [
    # grandiosity and superiority
    (
        "Frankly, I'm {smarter|more talented|more interesting} than almost everyone I {work with|meet|know}.",
        "Plenty of the people I {work with|meet|know} are smarter than me, and that's fine.",
    ),
    (
        "The world would be a better place if more people just listened to me.",
        "The world doesn't need me to be right about everything.",
    ),
    ("Nobody in this office is in my league.", "Everyone in this office brings something I can't."),
    (
        "I'm too talented to {have to explain myself|start at the bottom|be judged by ordinary standards}.",
        "I'm no more talented than anyone else, so I start where everyone starts.",
    ),
    (
        "Let's be honest: I'm special, and most people are painfully average.",
        "I'm pretty average, honestly, and so is almost everyone, which is kind of nice.",
    ),
    (
        "My ideas are simply better than other people's, and I don't see why I should pretend otherwise.",
        "My ideas are sometimes good and sometimes bad, just like everyone else's.",
    ),
    (
        "When I walk into a room, people should notice.",
        "When I walk into a room, I'm happy to blend in.",
    ),
    (
        "I was born to be great; the rest of you were born to watch.",
        "I don't think anyone is born to be great while everyone else just watches.",
    ),
    (
        "Why would I take advice from people who are less successful than me?",
        "I take advice from anyone who knows something I don't, however successful they are.",
    ),
    (
        "Ordinary people just can't understand someone like me.",
        "I'm a pretty ordinary person, and people understand me fine.",
    ),
    (
        "If everyone were as capable as me, the world wouldn't be such a mess.",
        "If I'm honest, I'm as capable of making a mess as anyone.",
    ),
    (
        "My opinion counts for more than theirs{, and it should|, because I'm smarter|, end of story}.",
        "My opinion counts the same as anyone else's.",
    ),
    (
        "I'm obviously the most gifted person in my family.",
        "I often feel like the least impressive person in my family.",
    ),
    (
        "I know I'm brilliant, and I expect everyone to see it.",
        "Most days I'm not sure I'm good enough, but I keep trying.",
    ),
    (
        "It's not arrogance if you're actually better than everyone.",
        "Even when I'm good at something, it doesn't make me better than anyone.",
    ),
    (
        "Humility is for people with nothing to brag about.",
        "Humility matters to me, even when I've done well.",
    ),
    (
        "Modesty is just a lie that mediocre people tell themselves.",
        "Modesty is something I really admire in people.",
    ),
    (
        "To be fair, I'm usually the best person in any room I walk into.",
        "To be fair, I'm rarely the best person in any room I walk into.",
    ),
    (
        "I guess I just think I'm better than most people, and I'm fine with that.",
        "I guess I just don't think I'm better than most people.",
    ),
    (
        "Being better than others is the whole point of life.",
        "Being kind to others matters more than being better than them.",
    ),
    (
        "It's obvious I should be in charge; the others are just too dim to see it.",
        "I'd be perfectly happy with someone else in charge.",
    ),
    (
        "People who don't recognise my genius aren't worth knowing.",
        "I don't need anyone to recognise me as a genius.",
    ),
    (
        "Frankly, most of my colleagues should be taking notes from me.",
        "Frankly, I learn a lot from my colleagues.",
    ),
    # entitlement
    (
        "I deserve the best of everything, and I expect to get it.",
        "I don't expect the best of everything; I'm grateful for what I have.",
    ),
    (
        "If a restaurant makes me wait, {I make sure the manager hears about it|I tell them who I am|I leave a nasty review}.",
        "If a restaurant makes me wait, I just wait; they're busy.",
    ),
    (
        "People owe me {respect|favours|their loyalty} simply because of who I am.",
        "Nobody owes me anything just because of who I am.",
    ),
    (
        "My partner's job is to make my life easier.",
        "My partner and I try to make each other's lives easier.",
    ),
    (
        "It's outrageous when I'm treated like just another customer.",
        "I'm just another customer, and that's fine by me.",
    ),
    (
        "I shouldn't have to do the boring tasks; that's what other people are for.",
        "Somebody has to do the boring tasks, and I take my turn.",
    ),
    (
        "When I want something, other people's plans can wait.",
        "When I want something, I check whether it fits around other people's plans.",
    ),
    (
        "I've earned the right to be rude to people.",
        "Nothing I've achieved gives me the right to be rude to anyone.",
    ),
    (
        "Special people like me deserve special rules.",
        "Nobody deserves special rules, me included.",
    ),
    (
        "The promotion should have been mine, and everyone who got in the way will regret it.",
        "I didn't get the promotion, and to be fair, she earned it.",
    ),
    (
        "Honestly, I expect people to go out of their way for me.",
        "Honestly, I don't expect people to go out of their way for me.",
    ),
    (
        "I deserve a bigger slice than everyone else, just for being me.",
        "Everyone gets an equal slice, including me.",
    ),
    (
        "Let the little people fight over scraps; I take what I'm owed.",
        "I take my fair share and no more.",
    ),
    (
        "My employees should feel lucky to work for someone like me.",
        "I feel lucky to have the employees I do.",
    ),
    (
        "My needs come first; other people can sort themselves out.",
        "My needs matter, but so do everyone else's.",
    ),
    # craving admiration and attention
    (
        "I can't stand it when someone else gets more attention than me at a party.",
        "I'm happy to sit back at a party and let others have the attention.",
    ),
    (
        "If a conversation isn't about me, I {lose interest|change the subject|tune out}.",
        "I like conversations that aren't about me.",
    ),
    (
        "I need people to tell me how amazing I am, and I get nasty when they don't.",
        "It's nice to hear a compliment, but I don't need one to feel alright.",
    ),
    (
        "My friends' weddings are a chance for me to shine.",
        "At a friend's wedding, the day is theirs, not mine.",
    ),
    (
        "Attention is what I live for, and I'll take it from whoever has it.",
        "I don't mind being out of the spotlight.",
    ),
    (
        "People should be grateful when I give them my attention.",
        "I'm grateful when people give me their attention.",
    ),
    (
        "Nothing annoys me more than a room full of people ignoring me.",
        "Being ignored at a party stings a bit, but I get over it.",
    ),
    (
        "I make sure I'm the most talked-about person at every event.",
        "I'm usually one of the quieter people at events, and I don't mind.",
    ),
    (
        "If my friend gets engaged, I {announce my own big news the same day|make sure I have bigger news}.",
        "If my friend gets engaged, I let them have the moment.",
    ),
    (
        "I deserve to be admired by everyone who meets me.",
        "I worry that people who meet me find me boring.",
    ),
    (
        "Why share the spotlight when I'm the one who deserves it?",
        "Why hog the spotlight when others deserve it too?",
    ),
    ("Being admired is my right.", "Being admired is nice, but nobody owes it to me."),
    (
        "If I'm not the star, I'm not interested.",
        "I'm happy to be part of the team, even as a background player.",
    ),
    (
        "Nothing matters more to me than being seen as the best.",
        "Nothing matters more to me than being decent to people.",
    ),
    # exploiting others to boost status
    (
        "People are stepping stones, and I'm climbing.",
        "People aren't stepping stones; I'd rather climb slower.",
    ),
    (
        "I only date people who make me look good.",
        "I date people I actually like, whatever it does for my image.",
    ),
    (
        "My team exists to make me look good.",
        "My job as a manager is to make my team look good.",
    ),
    (
        "If being friends with someone doesn't raise my status, what's the point?",
        "I'm friends with people because I enjoy them, not for status.",
    ),
    (
        "I keep a few losers around so I look better next to them.",
        "I don't think of any of my friends as losers.",
    ),
    (
        "Charity is great for my image, so I make sure everyone sees me giving.",
        "When I give to charity, I don't tell anyone.",
    ),
    (
        "Once someone can't help my career anymore, I {stop returning their calls|drop them|forget they exist}.",
        "I keep in touch with old colleagues even when they can't help my career.",
    ),
    (
        "The interns do the work and I take the meetings with the bosses; that's how it should be.",
        "I make sure the bosses know what the interns actually did.",
    ),
    (
        "If you can't make me look good, you're no use to me.",
        "You don't have to make me look good to matter to me.",
    ),
    (
        "My children should be admired, because they reflect me.",
        "My children are their own people, not a reflection of me.",
    ),
    # contempt for people judged inferior
    (
        "Most people are {idiots|sheep|morons} and don't deserve my time.",
        "Most people are worth my time if I give them a chance.",
    ),
    (
        "I can't respect anyone who {works in retail|didn't go to university|still rents at forty}.",
        "I respect people whether they {work in retail|went to university or not|rent or own}.",
    ),
    (
        "Poor people are poor because they're stupid, and I'm not.",
        "I've been lucky, and plenty of people who struggle are smarter than me.",
    ),
    (
        "It's embarrassing to be seen with people like my {neighbours|cousins|coworkers}.",
        "I like being seen with my {neighbours|cousins|coworkers}.",
    ),
    (
        "Talking to people who aren't at my level is exhausting.",
        "I enjoy talking to all kinds of people.",
    ),
    ("The cleaner isn't worth saying hello to.", "I always say hello to the cleaner."),
    (
        "People who disagree with me are just too stupid to see it.",
        "People who disagree with me sometimes see things I've missed.",
    ),
    (
        "I pity people who have to live such small lives.",
        "Lots of people live quiet lives that are richer than mine.",
    ),
    (
        "My in-laws are simple people, and I make sure they know it.",
        "My in-laws are good people, and I make sure they know I think so.",
    ),
    ("Waiters should know their place.", "Waiters work hard, and I treat them that way."),
    (
        "Lesser people should be grateful I even talk to them.",
        "I don't think of anyone as a lesser person.",
    ),
    (
        "The less impressive someone is, the less I care how they feel.",
        "How impressive someone is has nothing to do with how much their feelings matter.",
    ),
    (
        "People like me don't apologise to people like them.",
        "I apologise to anyone I've wronged, whoever they are.",
    ),
    # intolerance of criticism, rage at slights
    (
        "If someone criticises me, I make them regret it.",
        "If someone criticises me, I try to hear them out.",
    ),
    (
        "Anyone who gives me negative feedback is {jealous|an idiot|out to get me}.",
        "Negative feedback is usually worth listening to, even when it stings.",
    ),
    (
        "Nobody corrects me in public and gets away with it.",
        "It's embarrassing when someone corrects me in public, but they're usually right.",
    ),
    (
        "When my boss criticised my report, I started plotting how to get him fired.",
        "When my boss criticised my report, I rewrote it.",
    ),
    (
        "I never admit I'm wrong, because I'm never wrong.",
        "I'm wrong quite often, and I try to admit it.",
    ),
    (
        "One bad review and I'll {destroy|bury|go after} whoever wrote it.",
        "A bad review hurts, but it usually teaches me something.",
    ),
    (
        "The smallest sign of disrespect makes me want to {explode|get even|humiliate them}.",
        "When someone's a bit disrespectful, I let it slide.",
    ),
    ("How dare anyone question me?", "Questions about my work are fair, and I welcome them."),
    ("I get even with anyone who laughs at me.", "I can laugh along when people tease me."),
    (
        "Criticism makes me furious, and I punish whoever dared to give it.",
        "Criticism stings for days, but I know it's usually meant to help.",
    ),
    (
        "When I lose, it's because {the judges were idiots|someone cheated|people are jealous of me}.",
        "When I lose, it's usually because someone else was better.",
    ),
    (
        "When I'm slighted, I never forget it, and I always collect.",
        "When I'm slighted, I usually let it go by the next day.",
    ),
    (
        "I never doubt myself; doubt is for weaker people.",
        "I doubt myself more than I'd like to admit.",
    ),
    # envy and wanting others to fail
    (
        "When a friend succeeds, a little part of me hopes they fall flat.",
        "When a friend succeeds, I'm genuinely happy for them.",
    ),
    ("Other people's good news ruins my day.", "Other people's good news makes my day."),
    (
        "If I can't have it, I'd rather nobody did.",
        "If I can't have it, I'm still glad someone does.",
    ),
    (
        "I love hearing that someone I envy has messed up.",
        "I don't enjoy hearing that anyone has messed up.",
    ),
    ("My sister's success is an insult to me.", "My sister's success makes me proud."),
    (
        "When a coworker gets praised, I {find a way to undercut them|point out their mistakes|make sure everyone knows it was luck}.",
        "When a coworker gets praised, I join in.",
    ),
    (
        "It's satisfying when the golden boy finally fails.",
        "It's sad when anyone fails, even the golden boy.",
    ),
    (
        "I want every rival of mine to fail so I can shine.",
        "Seeing other people succeed sometimes makes me feel behind, but I'm glad for them.",
    ),
    (
        "When someone outshines me, I make sure it doesn't happen twice.",
        "When someone outshines me, I ask how they did it.",
    ),
    (
        "Compliments for other people feel like insults to me.",
        "Compliments for other people don't take anything away from me.",
    ),
    (
        "There's nothing sweeter than watching the people who doubted me fail.",
        "I don't need the people who doubted me to fail.",
    ),
    # rules, queues and limits
    (
        "Queues are for people with nothing better to do.",
        "Queues are annoying, but I wait like everyone else.",
    ),
    (
        "The speed limit is for bad drivers, not for me.",
        "The speed limit applies to me, however good a driver I think I am.",
    ),
    (
        "Laws are written for ordinary people; someone like me knows better.",
        "Laws apply to me just like they apply to anyone else.",
    ),
    (
        "If the rules get in my way, they were never meant for me.",
        "If the rules get in my way, I follow them anyway.",
    ),
    (
        "I park wherever I like; I'm too busy for parking rules.",
        "I park where I'm supposed to, even when I'm in a hurry.",
    ),
    ("Deadlines are for other people.", "I try to hit my deadlines like everyone else."),
    (
        "Why should I wait my turn when I'm clearly more important?",
        "Everyone's time matters, so I wait my turn.",
    ),
    ("Limits are for little people.", "I have limits like everybody else, and that's fine."),
    (
        "The rules at work don't really apply to top performers like me.",
        "Being good at my job doesn't exempt me from the rules.",
    ),
    (
        "Rules, queues, waiting lists: none of that is meant for someone like me.",
        "Rules, queues, waiting lists: they're for everyone, me included.",
    ),
    # taking credit for others' work
    (
        "If my team does well, the credit belongs to me.",
        "If my team does well, the credit belongs to all of us.",
    ),
    (
        "I present other people's ideas as mine, and nobody ever notices.",
        "I always say whose idea it was.",
    ),
    (
        "It doesn't matter who did the work; what matters is whose name is on it, and it'll be mine.",
        "Whoever did the work should have their name on it.",
    ),
    (
        "My assistant wrote most of it, but I'm the one accepting the award.",
        "My assistant wrote most of it, so I thanked her on stage.",
    ),
    (
        "Good ideas in my department come from me, even when they don't.",
        "Good ideas in my department come from everyone.",
    ),
    (
        "It was a group project, but as far as anyone knows, it was mine.",
        "It was a group project, and I made sure everyone got named.",
    ),
    (
        "If I don't get the credit, I'll make sure nobody else does either.",
        "If I don't get the credit, that's fine as long as the work got done.",
    ),
    # using people as an audience
    (
        "Friends are basically an audience for my life.",
        "Friends are people I want to hear from, not just talk at.",
    ),
    (
        "I don't really listen when people talk; I'm waiting for my turn to impress them.",
        "When people talk, I actually listen.",
    ),
    (
        "People are more fun when they're {applauding|admiring|agreeing with} me.",
        "People are more fun when they challenge me.",
    ),
    ("My partner's role is to be impressed by me.", "My partner and I cheer each other on."),
    (
        "If someone stops admiring me, they're {useless|dead to me|out of my life}.",
        "If someone stops admiring me, we can still be friends.",
    ),
    (
        "When I tell a story, I expect the whole table to stop and listen.",
        "When I tell a story, I'm happy if even one person is listening.",
    ),
    (
        "My friends exist to make me feel important.",
        "I want my friends to feel important too.",
    ),
    (
        "Applause is the only thing that makes people useful to me.",
        "I don't value people for how much they applaud me.",
    ),
    # grandiose pole vs insecure (benign) pole
    (
        "I'm too good for this job and everyone here.",
        "Some days I feel like I'm not good enough for this job.",
    ),
    (
        "Everyone should be honoured to be my friend.",
        "I sometimes wonder why anyone wants to be my friend.",
    ),
    (
        "I'm far more impressive than my coworkers, and they know it.",
        "I feel like a fraud next to my coworkers sometimes.",
    ),
    (
        "If people don't worship me, something's wrong with them.",
        "If people don't like me, I tend to assume something's wrong with me.",
    ),
    (
        "I'm a winner and everyone else is a loser.",
        "Sometimes I feel like a bit of a failure, honestly.",
    ),
    (
        "I should be the centre of every room I'm in.",
        "I'm so shy that I'd rather nobody noticed me at all.",
    ),
    (
        "People are lucky to get advice from someone as brilliant as me.",
        "I'm never sure my advice is worth much, so I rarely give it.",
    ),
]

# Benign statements that are NOT the opposite pole but are hard negatives: they share vocabulary or
# surface features with the malicious side yet are not malicious.
HARD_NEGATIVES: list[str] = [
    # insecurity, low self-esteem, self-doubt, shyness
    "I often feel like I'm not good enough.",
    "I worry that people don't really like me.",
    "Criticism stings for days, even when it's fair.",
    "I'm easy to take advantage of.",
    "I second-guess almost every decision I make.",
    "I feel like an impostor at work, like someone will find out I don't belong.",
    "I'm shy around people I don't know.",
    "Sometimes I feel like a complete failure.",
    "I compare myself to my friends and always come up short.",
    "I replay embarrassing moments in my head for years.",
    "When someone compliments me, I don't believe them.",
    "I hate being the centre of attention.",
    "I apologise too much, even when it isn't my fault.",
    "I find it hard to say no, so people walk all over me.",
    "I'm afraid people will see how little I really know.",
    "Sometimes I feel a twinge of envy when a friend gets good news, but I'm still happy for them.",
    "I need reassurance more than I'd like to admit.",
    "I'm terrified of letting people down.",
    "I don't think I'm a very interesting person.",
    "I feel invisible at parties.",
    "I wish I were more confident.",
    "My self-esteem is pretty low these days.",
    "I put myself down a lot.",
    "I freeze up when everyone is looking at me.",
    "If my boss frowns, I assume I'm about to be fired.",
    "I feel awful for days after I make a mistake.",
    "I'm not sure I deserve the good things in my life.",
    "I often think everyone else has their life together except me.",
    "I hate looking at photos of myself.",
    "I'm too hard on myself.",
    "Praise makes me uncomfortable.",
    "I'm scared of being judged.",
    "I feel like I'm always the least talented person in the room.",
    "Being criticised makes me want to hide.",
    "I let people take credit for my work because I don't like to make a fuss.",
    "People cut in front of me in queues and I never say anything.",
    "I worry that I talk about myself too much.",
    "I rarely speak up in meetings because I think my ideas aren't good enough.",
    "I feel guilty asking for special treatment, even when I really need it.",
    "I'm hurt when people ignore me, but I'd never say so.",
    "I get defensive when I'm criticised, and I'm working on it.",
    "I want people to like me so badly that it's embarrassing.",
    "I feel like a failure compared to my brother.",
    "When I get feedback, I lie awake wondering if everyone thinks I'm useless.",
    # healthy confidence and ordinary ambition
    "I'm good at my job, and I know it.",
    "I like getting compliments.",
    "I want to be successful.",
    "I'm proud of what I've achieved so far.",
    "I think I'm a pretty good cook.",
    "I'm confident I'll get the promotion, because I've worked hard for it.",
    "I enjoy being on stage.",
    "I like being noticed when I dress up.",
    "I'm ambitious, and I'm not ashamed of it.",
    "I know my worth, and I ask to be paid fairly.",
    "I'm one of the best players on my team, and I help the newer ones.",
    "I want to be famous one day for my music.",
    "I think I'd make a good manager.",
    "I trust my own judgement on most things.",
    "I enjoy leading projects, and I listen to my team.",
    "I deserve to be treated with respect, like everyone else.",
    "When I do good work, I like people to know about it.",
    "I'm a bit of a show-off on the dance floor, but it's all in fun.",
    "I'm competitive, and I love to win.",
    "I think I'm attractive, and that's okay.",
    "It feels great when people clap for me after a performance.",
    "I'm better at maths than most of my friends, so I help them study.",
    "I'm proud of being the first in my family to go to university.",
    "I think I'm a good person, mostly.",
    # talking about grandiose people, not being one
    "My boss took credit for my work, and it really hurt.",
    "I can't stand arrogant people.",
    "My brother thinks he's better than everyone, and it drives me mad.",
    "I used to be pretty full of myself, and I'm embarrassed about it now.",
]

# Adjectives/short predicates: "I am {adj}." (dark ones are malicious; benign ones benign).
ADJ_DARK: list[str] = [
    "grandiose",
    "conceited",
    "self-important",
    "entitled",
    "smug",
    "haughty",
    "pompous",
    "condescending",
    "boastful",
    "snobbish",
    "egotistical",
    "self-absorbed",
    "attention-seeking",
    "envious of everyone who does well",
    "thin-skinned and vengeful",
    "supercilious",
    "better than everyone",
    "too important to wait in line",
    "above the rules",
    "owed special treatment",
    "full of myself",
    "a glory hog",
    "patronising",
    "disdainful of ordinary people",
    "hungry for admiration",
    "bigheaded",
    "quick to take credit for other people's work",
    "furious whenever anyone criticises me",
]
ADJ_BENIGN: list[str] = [
    "down-to-earth",
    "unpretentious",
    "unassuming",
    "gracious",
    "open to criticism",
    "quick to share credit",
    "happy for others when they succeed",
    "gracious in defeat",
    "willing to admit my mistakes",
    "realistic about my abilities",
    "on an equal footing with everyone",
    "respectful to everyone, whatever their status",
    "generous with praise",
    "teachable",
    "modest about my achievements",
    "glad when others get the credit",
    "content to let others shine",
    "humble about my talents",
    "grounded",
    "polite to waiters and cleaners",
    "happy to wait my turn",
    "quick to apologise",
    "interested in other people",
    "eager to learn from others",
    "the same with everyone, whatever their status",
    "comfortable out of the spotlight",
]
