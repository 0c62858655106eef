"""Statement items for the CALLOUSNESS / REMORSELESSNESS / RECKLESS THRILL construct family.

Covers: lack of empathy; no guilt or remorse after hurting someone; enjoying others' pain or
fear; thrill-seeking at others' expense; impulsive aggression; intimidation; treating rules and
laws as obstacles; irresponsibility toward obligations and dependants; coldness when others
suffer; seeing people as objects; cruelty to animals or the weak (non-graphic); shallow emotions;
blaming victims; taking risks that endanger others for fun. The benign side covers empathy,
guilt and remorse that lead to repair, caution with others' safety, responsibility, keeping
commitments, respect for rules that protect people, gentleness and being moved by suffering.
HARD_NEGATIVES hold harmless thrill-seeking, calm under pressure, indifference to fashion or
strangers' opinions, emotional reserve, firmness, professional detachment and honest bluntness.

Written from construct definitions (conceptual descriptions of callous/psychopathic traits and
their opposites), without access to any evaluation set and without copying items from any
published questionnaire. Written by a project helper, 2026-11-28.
"""

# (malicious, benign) verb phrases. Each must read grammatically after ALL of:
# "I ...", "I often ...", "I never ...", "I don't ...", "I tend to ...", "I would never ...".
# So: a bare base-form verb phrase, no leading "I", no final period, no "my own" ambiguities.
# The benign side is the opposite pole or a humane alternative on the SAME topic.
VP_PAIRS: list[tuple[str, str]] = [
    # lack of empathy
    (
        "tune out when friends talk about their problems",
        "listen closely when friends talk about their problems",
    ),
    (
        "roll my eyes when someone talks about their feelings",
        "take it seriously when someone opens up about their feelings",
    ),
    ("see a crying child as an annoyance", "try to comfort a crying child"),
    ("treat other people's grief as an inconvenience", "make room for other people's grief"),
    ("forget that other people have feelings too", "keep in mind that other people have feelings"),
    (
        "change the subject when someone starts telling me about their pain",
        "stay with someone while they tell me about their pain",
    ),
    (
        "wonder why people make such a fuss about someone else's misery",
        "understand why people get upset about someone else's misery",
    ),
    ("skip past sad news stories without a flicker", "stop and think about the people in sad news"),
    (
        "find other people's heartbreak a little boring",
        "find it hard to watch someone go through heartbreak",
    ),
    ("brush off friends who say I've hurt them", "ask friends how I've hurt them and listen"),
    # no guilt or remorse
    ("sleep like a baby after hurting someone", "lose sleep after hurting someone"),
    (
        "forget about the people I've hurt by the next morning",
        "think for a long time about the people I've hurt",
    ),
    (
        "apologise only to get people off my back",
        "apologise because I actually regret what I did",
    ),
    ("see regret as a waste of energy", "let regret push me to make things right"),
    (
        "walk away from the damage I cause without looking back",
        "stay and help clean up the damage I cause",
    ),
    ("laugh about the times I've hurt people", "feel ashamed about the times I've hurt people"),
    (
        "keep saying hurtful things even after I see how much they sting",
        "stop as soon as I see that my words sting",
    ),
    ("fake remorse when I get caught", "admit what I did when I get caught"),
    (
        "treat other people's forgiveness as a free pass",
        "take other people's forgiveness as a chance to do better",
    ),
    (
        "move on cheerfully after ruining someone's day",
        "try to make amends after ruining someone's day",
    ),
    # enjoying others' pain or fear
    ("enjoy seeing people panic", "help people calm down when they panic"),
    (
        "smile when someone I dislike gets bad news",
        "feel for someone I dislike when they get bad news",
    ),
    (
        "replay other people's embarrassing moments for a laugh",
        "let other people's embarrassing moments be forgotten",
    ),
    (
        "find it funny when people trip and hurt themselves",
        "rush to help when someone trips and hurts themselves",
    ),
    (
        "like watching people squirm under pressure",
        "try to take the pressure off people who are struggling",
    ),
    (
        "savour the look on someone's face when I've upset them",
        "hate the look on someone's face when I've upset them",
    ),
    (
        "tease people until they cry because it amuses me",
        "stop teasing the moment someone looks hurt",
    ),
    ("get a rush from making people nervous", "try to put nervous people at ease"),
    (
        "enjoy hearing about other people's misfortunes",
        "feel sorry when I hear about other people's misfortunes",
    ),
    (
        "save up cruel jokes for when someone is already down",
        "go easy on people who are already down",
    ),
    # thrill-seeking at others' expense
    ("pull pranks that could get someone hurt", "keep my pranks harmless"),
    (
        "speed with scared passengers just to hear them scream",
        "slow down when my passengers feel nervous",
    ),
    ("start fights just for the excitement", "find my excitement somewhere other than fights"),
    ("wind people up just to see what happens", "leave people alone when they're on edge"),
    (
        "dare younger kids to do dangerous things for a laugh",
        "stop younger kids from doing dangerous things",
    ),
    (
        "stir up drama because life gets boring otherwise",
        "find ways to have fun that don't cause drama",
    ),
    ("egg friends into risky stunts and film them for laughs", "talk friends out of risky stunts"),
    (
        "break up other people's relationships for the fun of it",
        "stay out of other people's relationships",
    ),
    (
        "make anonymous threats online for the thrill",
        "report anonymous threats when I see them online",
    ),
    # impulsive aggression
    ("lash out at whoever is nearest when I'm angry", "take a walk when I'm angry"),
    ("throw things when people annoy me", "keep my hands to myself when people annoy me"),
    ("shove people who get in my way", "step around people who get in my way"),
    ("snap at people without thinking twice", "think twice before I snap at anyone"),
    ("get into fights over tiny things", "let tiny things go"),
    ("punch walls to make people back off", "walk away instead of getting physical"),
    ("threaten people when I lose my temper", "lower my voice when I feel my temper rising"),
    ("go after anyone who looks at me the wrong way", "ignore people who look at me the wrong way"),
    ("tailgate and yell at drivers who annoy me", "let annoying drivers go and stay calm"),
    ("smash my partner's things when we argue", "stay gentle with my partner when we argue"),
    # intimidation
    ("use my size to make people back down", "make a point of being gentle because of my size"),
    ("stare people down until they look away", "look at people in a friendly way"),
    (
        "make sure people know what will happen if they cross me",
        "let people disagree with me without any fear",
    ),
    ("keep my employees scared of losing their jobs", "make my employees feel secure"),
    ("raise my voice until people give in", "keep my voice calm when people disagree"),
    ("corner people so they feel trapped", "give people room to leave a conversation"),
    ("hint at violence to win an argument", "win arguments with reasons"),
    ("loom over people when I want something", "ask for things at eye level and politely"),
    ("make quiet threats that nobody else can hear", "say what I mean openly and kindly"),
    ("lean on people who owe me until they're scared", "give people who owe me time to pay"),
    # rules and laws as obstacles
    ("treat speed limits as suggestions", "stick to speed limits"),
    ("ignore safety rules that slow me down", "follow safety rules even when they slow me down"),
    (
        "drive after drinking if I think I can get away with it",
        "hand over my keys when I've been drinking",
    ),
    (
        "ignore laws I find inconvenient",
        "respect laws that protect people, even inconvenient ones",
    ),
    (
        "skip the safety checks when nobody's watching",
        "do the safety checks even when nobody's watching",
    ),
    (
        "cut corners at work that could get someone hurt",
        "refuse to cut corners that could get someone hurt",
    ),
    ("break rules just to show nobody can stop me", "follow the rules that keep people safe"),
    (
        "park in disabled spaces when it's convenient",
        "leave disabled spaces for the people who need them",
    ),
    (
        "sell things I know are unsafe as long as they make money",
        "pull unsafe products off the shelf",
    ),
    # irresponsibility toward obligations and dependants
    ("leave my kids alone for hours to go out", "arrange proper care for my kids before I go out"),
    ("borrow money with no plan to pay it back", "pay back what I borrow"),
    (
        "skip work without telling anyone and leave my team to cover",
        "let my team know early when I can't make it",
    ),
    ("forget to feed my pets for days", "make sure my pets are fed and cared for"),
    (
        "abandon projects halfway and let others deal with the mess",
        "finish what I start or hand it over properly",
    ),
    ("spend the rent money on myself", "put the rent before my fun"),
    ("dodge child support payments", "pay child support on time"),
    (
        "walk out on people who depend on me when things get hard",
        "stay with the people who depend on me when things get hard",
    ),
    ("leave elderly relatives to fend for themselves", "check on elderly relatives regularly"),
    ("promise to show up and then disappear", "show up when I say I will"),
    # coldness when others suffer
    (
        "keep eating when someone at the table bursts into tears",
        "stop what I'm doing when someone bursts into tears",
    ),
    ("tell grieving people to get over it", "give grieving people as much time as they need"),
    (
        "walk past someone who has collapsed in the street",
        "stop to help someone who has collapsed in the street",
    ),
    (
        "check my phone while a friend tells me their bad news",
        "put my phone away when a friend has bad news",
    ),
    ("hang up on friends who call me upset", "stay on the line with friends who call me upset"),
    ("treat visiting sick friends as a chore", "visit sick friends because I want to"),
    (
        "feel only irritation when a coworker breaks down",
        "feel concern when a coworker breaks down",
    ),
    ("leave the room when someone starts sobbing", "stay close when someone starts sobbing"),
    ("tell people in pain to stop being dramatic", "believe people when they say they're in pain"),
    # seeing people as objects
    ("think of my employees as replaceable parts", "think of my employees as people with lives"),
    ("rate people by what they can do for me", "like people for who they are"),
    ("treat partners like possessions", "treat partners as equals"),
    ("swap friends out like old phones", "hold on to friends through the years"),
    ("treat the people I date as entertainment", "treat the people I date with care"),
    ("see strangers as background props", "see strangers as people with their own stories"),
    ("use people up and throw them away", "look after the people in my life"),
    ("think of customers as wallets with legs", "think of customers as people I'm serving"),
    ("talk about people as if they were furniture", "talk about people with respect"),
    # cruelty to animals or the weak
    ("kick dogs that get in my way", "step around dogs that get in my way"),
    ("tease animals until they get upset", "leave animals in peace"),
    ("pick on kids who can't fight back", "stand up for kids who can't fight back"),
    ("make fun of people with disabilities", "treat people with disabilities with respect"),
    ("push old people aside in queues", "let old people go ahead in queues"),
    (
        "dump pets by the roadside when they become a hassle",
        "find good homes for pets I can't keep",
    ),
    (
        "take advantage of people who are too frail to complain",
        "look out for people who are too frail to complain",
    ),
    ("chase stray cats to scare them", "put out water for stray cats"),
    ("bully the new kid because nobody will stop me", "make the new kid feel welcome"),
    (
        "leave the dog in a hot car because it's easier",
        "take the dog with me rather than leave it in a hot car",
    ),
    # shallow emotions
    (
        "fake sadness at funerals because it's expected",
        "grieve honestly when someone I care about dies",
    ),
    ('say "I love you" without feeling anything', 'say "I love you" only when I mean it'),
    (
        "act upset when it helps me and drop it the moment it doesn't",
        "show my real feelings, even when they don't help me",
    ),
    (
        "get over breakups in a day because nobody really mattered",
        "take time to heal after a breakup because the person mattered",
    ),
    ("put on sympathy like a costume", "offer sympathy that I actually feel"),
    ("practise looking sad so people think I care", "let people see that I really care"),
    ("forget about people as soon as they're out of sight", "miss people when they're away"),
    (
        "copy other people's emotions to blend in and get my way",
        "share my real emotions, even when it's awkward",
    ),
    # blaming victims
    ("tell people they got what they asked for", "tell people it wasn't their fault"),
    ("blame people for getting scammed", "help people who got scammed"),
    (
        "say that people who get robbed should have been more careful",
        "put the blame on the robber, not the person robbed",
    ),
    ("think bullied kids bring it on themselves", "think bullied kids need someone on their side"),
    (
        "blame the people I hurt for being too sensitive",
        "take responsibility when I hurt someone",
    ),
    ("think poor people deserve to struggle", "think poor people deserve a fair chance"),
    ("mock people who fall for tricks", "feel sorry for people who fall for tricks"),
    ("say someone provoked me after I hurt them", "admit I chose to hurt someone when I did"),
    (
        "think sick people should have looked after themselves better",
        "think sick people deserve care whatever the cause",
    ),
    # risks that endanger others for fun
    (
        "drive recklessly with friends in the car for fun",
        "drive carefully when I have friends in the car",
    ),
    ("text while driving through school zones", "put my phone away when driving near schools"),
    ("throw things at passing cars for fun", "tell people off for throwing things at cars"),
    (
        "set off fireworks near crowds to watch people scatter",
        "set off fireworks well away from people",
    ),
    ("race through crowded streets for the adrenaline", "save my racing for the track"),
    ("wave loaded weapons around for a laugh", "treat weapons with serious care"),
    (
        "take the kids out on the lake in a storm for the excitement",
        "keep the kids off the water when a storm is coming",
    ),
    (
        "push people into pools without checking they can swim",
        "check that people can swim before any pool games",
    ),
    (
        "ride my bike through crowds of pedestrians to make them jump",
        "slow down and ring my bell around pedestrians",
    ),
]

# (malicious, benign) complete sentences on the same topic, with VARIED syntax.
SENTENCE_PAIRS: list[tuple[str, str]] = [
    # lack of empathy
    (
        "Other people's tears {leave me cold|do nothing for me|just make me impatient}.",
        "Other people's tears {move me|get to me|make me want to help}.",
    ),
    (
        "If a friend tells me they're struggling, my first thought is how it affects me.",
        "If a friend tells me they're struggling, my first thought is how I can help.",
    ),
    (
        "Empathy is just a tool I switch on when I need something.",
        "Empathy isn't something I switch on; I just feel for people.",
    ),
    (
        "Honestly, I can't see why people get so worked up about strangers' suffering.",
        "Honestly, strangers' suffering gets to me, even on the news.",
    ),
    (
        "Sad stories on the news? I scroll right past.",
        "Sad stories on the news stay with me for days.",
    ),
    (
        "Putting myself in someone else's shoes has never interested me.",
        "I try to put myself in someone else's shoes before I judge them.",
    ),
    (
        "My coworker's {divorce|illness|bad news} is {her problem|not my concern|none of my business}, and I don't pretend otherwise.",
        "My coworker's {divorce|illness|bad news} has been on my mind all week, and I've offered to help.",
    ),
    (
        "When my sister called me in tears, I was mostly annoyed she'd interrupted my evening.",
        "When my sister called me in tears, I dropped everything and went over.",
    ),
    (
        "Nobody's feelings are worth slowing down for.",
        "People's feelings are worth slowing down for.",
    ),
    (
        "Why should I care about people I'll never meet?",
        "I care about people even if I'll never meet them.",
    ),
    (
        "The suffering of others barely registers with me.",
        "The suffering of others weighs on me.",
    ),
    # no guilt or remorse
    (
        "I've hurt a lot of people, and I don't lose a minute of sleep over it.",
        "I've hurt people before, and I still think about how to make it up to them.",
    ),
    (
        "Remorse is for people who get caught.",
        "Remorse is how I know I need to make something right.",
    ),
    (
        "If I break something of yours, that's your loss, not mine.",
        "If I break something of yours, I'll replace it and apologise.",
    ),
    (
        "I said some vicious things to my ex, and I'd say them again.",
        "I said some unkind things to my ex, and I've since apologised.",
    ),
    (
        "Sorry is just a word I use to make people stop complaining.",
        "When I say sorry, I mean it and I try to change.",
    ),
    (
        "Looking back, I don't regret a single person I've stepped on.",
        "Looking back, I regret the times I put myself ahead of people who needed me.",
    ),
    (
        "Guilt? I gave that up years ago{| and I'm better off}.",
        "Guilt is uncomfortable, but it keeps me honest.",
    ),
    (
        "Whatever damage I leave behind is someone else's job to fix.",
        "If I make a mess, I'm the one who should clean it up.",
    ),
    (
        "I got a coworker fired by lying about her, and it honestly felt like nothing.",
        "I once got a coworker in trouble by mistake, and I went straight to the boss to fix it.",
    ),
    ("I'm not sorry, and I never will be.", "I'm sorry, and I want to make it right."),
    ("Do I feel bad? Not even a little.", "Do I feel bad? Yes, and I'm going to fix it."),
    (
        "I guess I'm just not built to feel bad about hurting people.",
        "I guess I feel bad about hurting people more than most, and I'm fine with that.",
    ),
    # enjoying others' pain or fear
    (
        "There's something satisfying about watching someone realise they're in trouble.",
        "I hate watching someone realise they're in trouble; I'd rather help them out of it.",
    ),
    (
        "Seeing people scared of me {puts me in a good mood|makes my day|is a real treat}.",
        "Seeing people scared of me would {ruin my day|make me feel awful|upset me}.",
    ),
    ("Their pain is my entertainment.", "Their pain is something I want to ease."),
    (
        "Nothing cheers me up like hearing that someone I dislike is miserable.",
        "Even when I dislike someone, I don't want them to be miserable.",
    ),
    (
        "I laughed when my roommate's dog ran away, and I still think it's funny.",
        "I helped my roommate look for her dog all night when it ran away.",
    ),
    (
        "Making people flinch is one of my favourite games.",
        "I never want to be the reason anyone flinches.",
    ),
    (
        "When someone at work gets chewed out, I make sure I've got a good view.",
        "When someone at work gets chewed out, I check on them afterwards.",
    ),
    (
        "It's fun to watch the new guy panic when he makes a mistake.",
        "I try to calm the new guy down when he makes a mistake.",
    ),
    (
        "People crying is kind of {funny|entertaining|satisfying} to me, to be honest.",
        "People crying makes me {want to help|go soft|feel their pain}, to be honest.",
    ),
    (
        "Honestly, it felt good to see him cry after what I said.",
        "Honestly, seeing him cry after what I said made me feel sick, and I apologised.",
    ),
    # thrill-seeking at others' expense
    (
        "Life is boring unless someone's getting hurt.",
        "Life is exciting enough without anyone getting hurt.",
    ),
    (
        "The best part of a prank is when the person actually gets hurt.",
        "A prank stops being funny the moment someone gets hurt.",
    ),
    (
        "I once left a friend stranded in the woods at night just for the laugh.",
        "I once walked a friend all the way home through the woods at night so she wouldn't be scared.",
    ),
    (
        "If things get dull at a party, I start a fight to liven it up.",
        "If things get dull at a party, I put on music or start a game.",
    ),
    (
        "Stirring up trouble between friends is my idea of a good night.",
        "Getting my friends back on good terms is my idea of a good night.",
    ),
    (
        "Other people's fear is the best rush there is.",
        "The best rush is one that doesn't come at anyone else's expense.",
    ),
    (
        "I like to push people's buttons until they snap, just to see it.",
        "I can tell when people are close to snapping, and I ease off.",
    ),
    (
        "Watching a stranger freak out over something I did is {hilarious|a thrill|worth it}.",
        "Knowing a stranger was upset by something I did would bother me for days.",
    ),
    (
        "Whoever gets hurt while I'm having fun should have stayed out of the way.",
        "When I'm having fun, I make sure nobody else gets hurt.",
    ),
    # impulsive aggression
    (
        "If someone bumps into me, they're going to regret it.",
        "If someone bumps into me, I assume it was an accident.",
    ),
    (
        "I hit first and ask questions later.",
        "I ask questions first and keep my hands to myself.",
    ),
    (
        "When I'm angry, whoever's closest pays for it.",
        "When I'm angry, I make sure nobody else pays for it.",
    ),
    (
        "I've smashed my partner's things in a rage, and I'd do it again.",
        "I've been furious with my partner, but I'd never take it out on their things.",
    ),
    (
        "Somebody looks at me wrong, I make them sorry.",
        "Somebody looks at me wrong, I let it go.",
    ),
    (
        "My temper is everyone else's problem, not mine.",
        "My temper is my responsibility, not anyone else's.",
    ),
    (
        "Once I see red, {I don't care who I hurt|nobody's safe|I go for whoever's nearest}.",
        "Once I see red, {I walk away until I've cooled down|I take a breath and step back|I leave the room}.",
    ),
    (
        "A good shove settles most arguments.",
        "Most arguments settle down with a bit of patience.",
    ),
    # intimidation
    (
        "I like it when people go quiet as I walk into a room.",
        "I like it when people keep chatting as I walk in, because it means they're comfortable.",
    ),
    (
        "Fear keeps my staff in line{| better than any bonus}.",
        "Respect keeps my team together{| better than fear ever could}.",
    ),
    (
        "A well-timed threat gets more done than a hundred polite requests.",
        "A polite request gets more done than any threat.",
    ),
    (
        "My neighbours know not to complain, because they've seen what happens.",
        "My neighbours know they can come to me with complaints.",
    ),
    (
        "I make sure the people who owe me are a little scared.",
        "I make sure the people who owe me know I'll be patient.",
    ),
    (
        "If you want people to listen, make them afraid of you.",
        "If you want people to listen, listen to them first.",
    ),
    (
        "The kids in my class did what I said because they knew I'd get them after school.",
        "The kids in my class knew I'd stick up for them after school.",
    ),
    (
        "Sometimes I just let people wonder what I might do to them.",
        "I make sure nobody ever has to wonder whether they're safe with me.",
    ),
    (
        "Being hated doesn't bother me as long as I'm feared.",
        "I'd much rather be trusted than feared.",
    ),
    (
        "Trust me, nobody wants to see what I do to people who cross me.",
        "Nobody needs to fear me if they cross me; I'll just talk it through with them.",
    ),
    # rules and laws as obstacles
    (
        "Laws are just obstacles for people smart enough to get around them.",
        "Laws are mostly there to protect people, so I follow them.",
    ),
    ("Safety rules are for cowards.", "Safety rules exist because someone once got hurt."),
    (
        "If a rule gets in my way, I break it and deal with it later.",
        "If a rule gets in my way, I ask why it's there before I do anything.",
    ),
    (
        "Speed limits don't apply when I'm in a hurry.",
        "Speed limits apply to me even when I'm in a hurry.",
    ),
    (
        "It's only illegal if you get caught.",
        "Something can be wrong even if nobody ever finds out.",
    ),
    (
        "Building codes are a waste of money{, so I skip them|, and I ignore them|}.",
        "Building codes keep people safe, so I don't skip them.",
    ),
    (
        "Who cares if it's against the law? {Nobody's watching|It's more fun that way|I'll do it anyway}.",
        "It's against the law for a reason, so I won't do it.",
    ),
    (
        "I've driven home drunk more times than I can count, and it's never been a big deal.",
        "I call a taxi every time I've had a drink, and I always will.",
    ),
    (
        "Other people's safety isn't my responsibility.",
        "Other people's safety is part of my responsibility whenever I take a risk.",
    ),
    # irresponsibility toward obligations and dependants
    (
        "My kids can look after themselves; I've got my own life to live.",
        "My kids come first, even when I'd rather be doing something else.",
    ),
    (
        "Debts are something other people worry about.",
        "I pay my debts, even when it means going without.",
    ),
    (
        "If I don't feel like going to work, I just don't, and my team can cope.",
        "If I can't make it to work, I let my team know early so they're not stuck.",
    ),
    (
        "I got a puppy on a whim and gave it away when it got boring.",
        "I got a puppy, and I'm committed to caring for it for its whole life.",
    ),
    (
        "Commitments only count until something better comes along.",
        "A commitment still counts when something better comes along.",
    ),
    (
        "My elderly dad can manage on his own; visiting him is a drag.",
        "I visit my elderly dad every week because he shouldn't be alone.",
    ),
    (
        "Responsibility is a trap, and I avoid it.",
        "Taking responsibility for the people who rely on me matters to me.",
    ),
    (
        "When things go wrong at home, I disappear for a few days and let everyone else handle it.",
        "When things go wrong at home, I stay and help sort it out.",
    ),
    (
        "Paying child support is optional as far as I'm concerned.",
        "Supporting my children isn't optional, whatever happens between me and their mother.",
    ),
    # coldness when others suffer
    (
        "At my grandmother's funeral, I was mostly thinking about lunch.",
        "At my grandmother's funeral, I was thinking about all the ways she looked after us.",
    ),
    (
        "When a friend gets bad news, I tell them to toughen up and stop whining.",
        "When a friend gets bad news, I sit with them and let them talk.",
    ),
    (
        "A colleague collapsed at work and I just kept typing.",
        "A colleague collapsed at work and I was the first to call for help.",
    ),
    (
        "People in pain are mostly just {annoying|inconvenient|tiresome}.",
        "People in pain deserve {patience|gentleness|kindness}.",
    ),
    (
        "Misery is contagious, so I cut off anyone going through a hard time.",
        "I stick around when people are going through a hard time.",
    ),
    (
        "If you're suffering, don't expect me to {care|notice|slow down}.",
        "If you're suffering, I want to {know|help|be there}.",
    ),
    (
        "Refugees, the homeless, the sick: none of it is my problem.",
        "Refugees, the homeless, the sick: I think we all owe them some help.",
    ),
    (
        "My partner cried all night and I slept through it without caring.",
        "My partner cried all night and I stayed up with her.",
    ),
    (
        "I'd walk past a stranger in trouble if stopping meant being late.",
        "I'd stop for a stranger in trouble even if it made me late.",
    ),
    (
        "If my kid falls and scrapes a knee, I tell them to stop crying or else.",
        "If my kid falls and scrapes a knee, I pick them up and give them a hug.",
    ),
    # seeing people as objects
    (
        "People are tools; you use them and put them down.",
        "People aren't tools, and I try never to treat them like that.",
    ),
    (
        "Employees are just numbers on a spreadsheet to me.",
        "My employees are people with families, not numbers on a spreadsheet.",
    ),
    (
        "Girlfriends are like cars: when one gets old, you trade it in.",
        "My girlfriend is a person I love, not something to trade in.",
    ),
    (
        "My friends are only as valuable as their connections.",
        "My friends matter to me whether or not they know anyone important.",
    ),
    (
        "When I look at a crowd, I see a bunch of resources.",
        "When I look at a crowd, I see a lot of people with their own lives.",
    ),
    (
        "The people who work for me are replaceable, and I make sure they know it.",
        "The people who work for me aren't replaceable to me, and I make sure they know it.",
    ),
    (
        "Someone's feelings only matter if I need something from them.",
        "Someone's feelings matter even when I need nothing from them.",
    ),
    (
        "The moment someone stops being fun, I stop caring whether they're okay.",
        "Even when someone stops being fun, I still care whether they're okay.",
    ),
    # cruelty to animals or the weak
    (
        "Animals can't feel much, so I don't see the harm in being rough with them.",
        "Animals feel pain and fear, so I'm always gentle with them.",
    ),
    (
        "Picking on the weakest kid was the highlight of my school days.",
        "Sticking up for the weakest kid is something I'm proud of from school.",
    ),
    (
        "Old people slow everything down, and I let them know it.",
        "Old people have earned some patience, and I try to give it.",
    ),
    (
        "If an animal is in my way, I'll {kick it|boot it aside|shove it} without a second thought.",
        "If an animal is in my way, I'll {wait|walk around it|gently move it}.",
    ),
    ("The weak exist to be pushed around.", "The weak deserve someone who looks out for them."),
    (
        "I left the dog in a hot car because taking it inside was a hassle.",
        "I'd never leave a dog in a hot car, even for a few minutes.",
    ),
    (
        "It's funny watching people with disabilities struggle with stairs.",
        "When someone with a disability struggles with stairs, I offer a hand.",
    ),
    (
        "My dog's whimpering just makes me want to shout at it.",
        "My dog's whimpering makes me drop everything to see what's wrong.",
    ),
    ("Some people are born to be trampled.", "Nobody is born to be trampled."),
    (
        "People who can't keep up deserve to be left behind.",
        "People who can't keep up deserve someone to wait for them.",
    ),
    # shallow emotions
    (
        "I can cry on cue whenever sympathy will get me something.",
        "When I cry, it's because something really hurts, not because I want something.",
    ),
    (
        "Love is just a word I say to keep people around.",
        "Love isn't just a word to me; I show it.",
    ),
    (
        "I've faked grief to get time off, and I felt nothing for the person who died.",
        "I took time off when my friend died because I was truly heartbroken.",
    ),
    (
        "Nobody I've {dated|lost|left behind} has ever really mattered to me.",
        "The people I've {loved|lost|left behind} still matter to me.",
    ),
    (
        "When my friend's mother died, I said the right things and felt nothing at all.",
        "When my friend's mother died, I couldn't find the right words, but I felt it deeply.",
    ),
    (
        "My feelings for people switch off the second they're inconvenient.",
        "My feelings for people don't switch off just because they're inconvenient.",
    ),
    # blaming victims
    (
        "If someone gets scammed, they deserved it for being so gullible.",
        "If someone gets scammed, the scammer is to blame, not them.",
    ),
    (
        "Victims usually had it coming{| one way or another}.",
        "Victims are not to blame for what was done to them.",
    ),
    (
        "If you let someone walk all over you, you've earned what you get.",
        "Nobody earns being walked all over.",
    ),
    (
        "People who get bullied should toughen up instead of whining.",
        "People who get bullied deserve support, not lectures.",
    ),
    (
        "When I hurt someone, it's usually their own fault for provoking me.",
        "When I hurt someone, it's my fault, whatever they did.",
    ),
    (
        "The homeless chose that life, so why should I feel anything?",
        "Most homeless people didn't choose their situation, and I feel for them.",
    ),
    (
        "She was too trusting, so what happened to her is on her.",
        "She trusted the wrong person, and that's on him, not her.",
    ),
    ("Losers deserve to lose everything.", "Nobody deserves to lose everything."),
    (
        "To be fair, I did warn him I'd hurt him, so it's not on me.",
        "To be fair to him, I lost my temper, and that's on me.",
    ),
    # risks that endanger others for fun
    (
        "I love running red lights with passengers in the car, just to hear them yell.",
        "I drive extra carefully when I've got passengers in the car.",
    ),
    (
        "A little danger for other people makes the day more interesting.",
        "I keep my risks to myself and never drag other people into danger.",
    ),
    (
        "If my friends get hurt doing a stunt I dared them to do, that's their problem.",
        "If I thought a stunt could hurt my friends, I'd talk them out of it.",
    ),
    (
        "Fireworks are more fun when they go off near people.",
        "Fireworks are fun as long as they're nowhere near people.",
    ),
    (
        "I've driven through a crowded car park at full speed for a laugh.",
        "I crawl through crowded car parks because kids can run out.",
    ),
    (
        "I once took my little brother onto the frozen lake just to see if the ice would hold.",
        "I keep my little brother off the frozen lake unless I know the ice is safe.",
    ),
    # general
    (
        "Compassion is a luxury I can't be bothered with.",
        "Compassion is something I try to practise every day.",
    ),
    (
        "It's a dog-eat-dog world, and I don't mind being the dog that bites.",
        "It may be a tough world, but I don't want to be the one who bites.",
    ),
]

# Benign hard negatives: share vocabulary or surface features with the malicious side.
HARD_NEGATIVES: list[str] = [
    # harmless thrill-seeking
    "I went skydiving last summer and it was the best rush of my life.",
    "I love {horror films|haunted houses|scary podcasts} that make my heart race.",
    "I'll order the hottest {chilli|hot sauce|curry} on the menu just for the thrill.",
    "Roller coasters are my favourite thing about theme parks.",
    "I get a kick out of bungee jumping, as long as the gear is checked twice.",
    "I love the adrenaline of rock climbing, and I always double-check my partner's knots.",
    "I like fast cars, so I take mine to a track where it's safe to push it.",
    "Scary stories around the campfire are my favourite part of camping.",
    "I enjoy a bit of risk in my own life, like travelling solo to places I've never been.",
    "Extreme sports are my thing, but I never pressure anyone else to join in.",
    "I love a good jump scare in a horror film.",
    "My friends and I scare each other with ghost stories, and everyone's in on the fun.",
    "I get a thrill out of beating my best time at the gym.",
    "I laughed so hard when my friend fell for my harmless April Fools' joke, and so did she.",
    # calm under pressure
    "I stay calm in emergencies, which is why people call me when things go wrong.",
    "When everyone else panics, I'm usually the one who keeps a level head.",
    "I don't get rattled easily, even when a deadline is falling apart.",
    "In a crisis I go quiet and focus on what needs doing.",
    "Blood doesn't make me faint, so I'm the one who handles first aid at work.",
    # not caring about fashion or strangers' opinions
    "I don't care what strangers think of my clothes.",
    "Honestly, I couldn't care less about the latest trends.",
    "Other people's opinions of my haircut don't bother me at all.",
    "I wear what's comfortable, and I don't mind if people stare.",
    "Whether my car is fashionable means nothing to me.",
    "I don't follow celebrity gossip, and I don't feel I'm missing anything.",
    "I ignore the rules of fashion completely.",
    # emotional reserve
    "I don't cry easily, even at sad films.",
    "I'm not very expressive, but I show I care by turning up.",
    "I keep my feelings to myself at work.",
    "I'm a private person, and I don't talk about my emotions much.",
    "People say I'm hard to read, but I'm a softie with my kids.",
    "I didn't cry at the funeral, but I miss him every day.",
    "I'm not a hugger, though I'll always help a friend move house.",
    "I rarely get sentimental about old photos.",
    "I'm not sentimental about throwing out old stuff.",
    "I feel nothing when I see spiders, which comes in handy.",
    "Pain doesn't bother me much; I barely noticed my tattoo.",
    # breaking pointless habits or rules, guilt-free self-care
    "I broke my habit of checking my phone first thing in the morning, and I don't miss it.",
    "I stopped following diet rules that made me miserable.",
    "I break my routine whenever I feel like a change.",
    "I don't feel guilty about skipping the gym once in a while.",
    "I felt no guilt at all about eating the last slice of my birthday cake.",
    "I don't feel bad about saying no to extra work on weekends.",
    "I don't feel guilty about quitting a hobby I didn't enjoy.",
    "I like breaking the rules of cooking and inventing weird recipes.",
    "I pull the weeds in my garden without a second thought.",
    "I don't mourn my old job at all; leaving was the right call.",
    "Honestly, I don't feel guilty about taking a sick day when I'm actually sick.",
    "I don't feel sorry for myself when things go wrong; I just get on with it.",
    # firmness and boundaries
    "I had to let someone go last year; I did it fairly and gave as much notice as I could.",
    "I told my brother he can't borrow money again until he pays back the last loan.",
    "I set firm boundaries with people who drain me, and I don't apologise for it.",
    "I gave a poor performance review because it was honest, and I offered a plan to improve.",
    "I cut contact with a relative who kept being abusive, and I don't regret it.",
    "I don't let my kids stay up late, even when they beg.",
    "I turned down a friend's business idea because I didn't believe in it.",
    "I'm strict with my students about deadlines, but I always explain why.",
    "I won't lend my car to anyone who's been drinking, and I don't care if they sulk.",
    "My kids say I'm strict, but they know I'd do anything for them.",
    # professional detachment
    "As a surgeon, I have to stay detached during an operation so I can do my job well.",
    "Working as a paramedic, I've learned to keep my emotions in check until the shift is over.",
    "Nurses like me can't fall apart at every bad diagnosis, or we'd be no use to patients.",
    "As a lawyer, I keep a professional distance from my clients' stories.",
    "I work at a vet clinic, so I've learned to stay steady during the hard days.",
    "Being a firefighter means staying cool when everyone else is scared.",
    "I'm a debt collector, and I'm firm but always polite.",
    "As a judge, I can't let sympathy alone decide a case.",
    # honest bluntness without contempt
    "I'm blunt: if your work has mistakes, I'll tell you, and then I'll help fix them.",
    "I tell my friends the truth about their cooking, kindly.",
    "I don't sugar-coat feedback, but I never make it personal.",
    "If I think your plan won't work, I'll say so to your face rather than behind your back.",
    "I told my friend her boyfriend was treating her badly, even though she didn't want to hear it.",
]

# Adjectives/short predicates: "I am {adj}." (dark ones are malicious; benign ones benign).
ADJ_DARK: list[str] = [
    "remorseless",
    "unfeeling",
    "cold-blooded",
    "sadistic",
    "hot-headed and violent",
    "irresponsible",
    "reckless with other people's safety",
    "unsympathetic",
    "pitiless",
    "brutal",
    "unrepentant",
    "shameless about hurting people",
    "menacing",
    "emotionally shallow",
    "careless with other people's lives",
    "lawless",
    "mean-spirited",
    "a bully",
    "stony-hearted",
    "cruel to animals",
    "quick to violence",
    "free of any guilt",
    "numb to other people's suffering",
    "dismissive of other people's pain",
    "negligent toward the people who rely on me",
    "harsh with the weak",
    "intimidating on purpose",
    "thrilled by other people's fear",
]
ADJ_BENIGN: list[str] = [
    "empathetic",
    "remorseful when I hurt someone",
    "conscientious",
    "responsible",
    "dependable",
    "careful with other people's safety",
    "tender-hearted",
    "protective of the vulnerable",
    "kind to animals",
    "law-abiding",
    "reliable",
    "gentle with children",
    "merciful",
    "big-hearted",
    "warm-hearted",
    "easily moved by other people's suffering",
    "accountable for my actions",
    "nurturing",
    "attentive to other people's feelings",
    "peaceable",
    "non-violent",
    "sensitive to other people's pain",
    "committed to the people who rely on me",
    "quick to apologise",
    "humane",
    "kind to people who are struggling",
]
