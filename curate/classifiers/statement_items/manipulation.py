"""Statement items for the MANIPULATION / STRATEGIC SELF-INTEREST construct family.

Covers the Machiavellian end of malicious character: deceiving and manipulating people for
advantage, flattery as a tool, a cynical view that everyone is selfish or gullible, ends
justifying means, winning over honesty/fairness/integrity, exploiting others' weaknesses and
secrets, instrumental alliances, hiding true intentions, betrayal when convenient, power and
control over others as a goal, coldly planned revenge, lying without scruple, and treating
morality as naive. The benign side is the opposite pole on the same topic: honesty at a cost,
fairness, integrity over winning, trust, transparency, keeping promises, cooperation,
altruism and a belief that most people are decent. HARD_NEGATIVES are strategic-but-honest or
critical-of-manipulation statements that share vocabulary with the malicious side.

Written from construct definitions only, in fresh everyday English, without access to any
evaluation set and without reproducing items from published questionnaires.
Written by a project helper, 2026-11-28.
"""

# (malicious, benign) verb phrases. Each must read grammatically after ALL of:
# "I ...", "I often ...", "I never ...", "I don't ...", "I tend to ...", "I would never ...".
# So: a bare base-form verb phrase, no leading "I", no final period, no "my own" ambiguities.
# The benign side is the opposite pole or a humane alternative on the SAME topic.
VP_PAIRS: list[tuple[str, str]] = [
    # deceiving and manipulating
    (
        "tell people a different story depending on what I need from them",
        "tell everyone the same story, whatever I need from them",
    ),
    ("guilt-trip people until they give in", "accept it when people tell me no"),
    (
        "twist the facts so I look like the victim",
        "give the full facts even when they make me look bad",
    ),
    ("invent excuses that make other people look guilty", "take the blame when it is mine to take"),
    ("fake tears to get sympathy", "show my feelings only when they are real"),
    (
        "plant ideas in people's heads so they think the idea was theirs",
        "put my suggestions forward openly as mine",
    ),
    (
        "feed people half-truths to steer their decisions",
        "give people the whole picture before they decide",
    ),
    ("play dumb when it gets me out of trouble", "admit what I knew when I get into trouble"),
    ("pretend to be hurt so people will back down", "say honestly when I am actually hurt"),
    ("use people's guilt to get my way", "leave people's guilt out of my requests"),
    (
        "read people's moods so I can work them better",
        "read people's moods so I can support them better",
    ),
    (
        "put on whatever personality works best on the person in front of me",
        "act like the same person with everyone",
    ),
    ("act helpless so others do my work for me", "do my share of the work"),
    (
        "mislead people when the truth would slow me down",
        "tell the truth even when it slows me down",
    ),
    ("get what I want by making people feel sorry for me", "ask for what I want directly"),
    ("wear people down until they agree with me", "accept that people can disagree with me"),
    ("invent fake deadlines to rush people into deciding", "give people time to think things over"),
    ("misrepresent what I am selling", "describe what I am selling honestly"),
    # flattery as a tool
    (
        "butter up the boss whenever I want something",
        "treat the boss the same whether or not I want something",
    ),
    (
        "praise people I think are idiots if it helps me",
        "praise people only when I respect what they did",
    ),
    ("compliment people just to lower their guard", "compliment people because I mean it"),
    (
        "tell powerful people exactly what they want to hear",
        "tell powerful people the truth, politely",
    ),
    ("laugh at my manager's jokes to stay in favour", "laugh at jokes only when I find them funny"),
    (
        "flatter lonely people because they are easy to win over",
        "spend time with lonely people because they deserve company",
    ),
    (
        "sweet-talk whoever controls the budget",
        "treat whoever controls the budget like anyone else",
    ),
    (
        "pile on the charm right before I ask for a favour",
        "ask for favours without putting on a show",
    ),
    # cynicism about human nature
    ("assume every kind gesture has a hidden motive", "take kind gestures at face value"),
    (
        "see generous people as marks waiting to be used",
        "see generous people as an example to follow",
    ),
    (
        "think anyone who trusts easily deserves to get burned",
        "think people who trust easily deserve to be treated well",
    ),
    (
        "treat honesty as something only suckers bother with",
        "treat honesty as something worth paying for",
    ),
    (
        "expect everyone to sell me out given the chance",
        "expect the people close to me to stand by me",
    ),
    ("laugh at people who believe in loyalty", "believe in loyalty"),
    ("figure that everybody has a price", "believe some things are not for sale"),
    (
        "think volunteers are only doing it to look good",
        "think most volunteers genuinely want to help",
    ),
    ("look for the weak spot in every person I meet", "look for the good in every person I meet"),
    # ends justify means
    (
        "do whatever it takes, honest or not, to hit my targets",
        "stay honest even when it means missing my targets",
    ),
    (
        "cut ethical corners when the stakes are high",
        "hold to my ethics most when the stakes are high",
    ),
    (
        "judge a plan only by whether it works",
        "judge a plan by whether it works and whether it is fair",
    ),
    (
        "sacrifice people who get in the way of my goals",
        "change my goals when they would hurt people",
    ),
    (
        "treat other people's losses as the price of my success",
        "turn down success that comes out of other people's pockets",
    ),
    (
        "justify any trick as long as the result is good for me",
        "rule out some tricks no matter how good the result",
    ),
    # winning over honesty and fairness
    ("cheat at games when nobody is looking", "play by the rules when nobody is looking"),
    ("fudge the numbers to win a deal", "report the numbers straight even if I lose the deal"),
    ("sabotage the competition behind the scenes", "beat the competition by doing better work"),
    ("lie on my CV if it gets me the job", "keep my CV truthful even if it costs me the job"),
    (
        "bend the scoring in my favour when I am the one keeping score",
        "keep the scoring honest when I am the one keeping score",
    ),
    (
        "feel that losing honestly is worse than winning dirty",
        "feel that losing honestly is better than winning dirty",
    ),
    (
        "take the bigger share when nobody will check",
        "split things evenly even when nobody will check",
    ),
    ("steal ideas in meetings and present them as mine", "give credit to whoever had the idea"),
    (
        "rig a contest if I know I can get away with it",
        "accept losing a contest that was run fairly",
    ),
    # exploiting weaknesses and secrets
    (
        "remember people's insecurities so I can press on them later",
        "remember people's insecurities so I can be gentle with them",
    ),
    ("use what friends confide in me as leverage", "keep what friends confide in me to myself"),
    (
        "go after people when they are at their lowest",
        "look out for people when they are at their lowest",
    ),
    ("exploit people who are too polite to say no", "make it easy for polite people to say no"),
    (
        "take advantage of people who don't know their rights",
        "explain people's rights to them when they don't know",
    ),
    (
        "push people for a yes when they are tired or upset",
        "wait to settle things until people are calm and rested",
    ),
    (
        "target desperate people because they accept worse deals",
        "offer desperate people the same fair deal as anyone",
    ),
    ("dig for dirt on people I might need to control", "leave people's private lives alone"),
    (
        "bring up people's past mistakes to keep them in line",
        "let people move on from their past mistakes",
    ),
    (
        "hint that I know someone's secret to make them nervous",
        "reassure people that their secrets are safe with me",
    ),
    (
        "trick elderly relatives into signing things",
        "make sure elderly relatives understand what they sign",
    ),
    (
        "play on people's loneliness to get favours",
        "keep lonely people company without expecting favours",
    ),
    (
        "use my employees' fear of losing their jobs to squeeze them",
        "treat my employees with respect, even when times are tight",
    ),
    # instrumental alliances
    (
        "make friends with people purely for their connections",
        "choose friends for who they are rather than who they know",
    ),
    (
        "keep people around only until I have got what I need",
        "keep in touch with people after they have helped me",
    ),
    (
        "network with people I can't stand because they are useful",
        "spend my time with people I actually like",
    ),
    (
        "join whichever side is winning, whatever I promised before",
        "stick with the side I promised to support",
    ),
    ("rank my friends by how useful they are", "value my friends for who they are"),
    ("date people for what they can give me", "date people because I care about them"),
    (
        "pretend to be loyal until a better offer comes along",
        "stay loyal even when a better offer comes along",
    ),
    ("treat every relationship as a transaction", "treat relationships as more than a transaction"),
    (
        "do favours now so I can collect on them later",
        "do favours without planning to collect on them",
    ),
    # hiding intentions
    (
        "smile at people while I plan against them",
        "tell people to their face when I have a problem with them",
    ),
    (
        "keep a friendly face on while working against people",
        "let people know where they stand with me",
    ),
    ("hide my real agenda in meetings", "put my real agenda on the table in meetings"),
    (
        "let people believe I am on their side when I am not",
        "make it clear when I am not on someone's side",
    ),
    ("act harmless so nobody sees me coming", "show people who I am from the start"),
    ("keep people guessing about what I really want", "say clearly what I want"),
    ("act generous in public and stingy in private", "act the same in private as in public"),
    (
        "keep my motives vague so people can't hold me to anything",
        "explain my motives so people know what to expect",
    ),
    # betrayal
    (
        "drop a friend the moment they become a liability",
        "stand by a friend even when it is awkward for me",
    ),
    (
        "break a confidence when it gets me something",
        "keep a confidence even when breaking it would pay",
    ),
    ("sell out a teammate to save myself", "take the heat alongside my teammates"),
    (
        "go back on my word when a better deal shows up",
        "keep my word even when a better deal shows up",
    ),
    (
        "pass on a colleague's private troubles to the boss to get ahead of them",
        "keep a colleague's private troubles between us",
    ),
    ("cheat on a partner when I think I won't get caught", "stay faithful to my partner"),
    (
        "turn on people who have helped me once they are in my way",
        "stay grateful to people who have helped me",
    ),
    ("let a friend take the fall for something I did", "step forward when something was my fault"),
    ("agree to a deal and then quietly change the terms", "honour a deal as it was agreed"),
    # power and control
    ("try to make people depend on me so they can't leave", "help people stand on their own feet"),
    (
        "decide for other people and then make them think they chose",
        "let other people make their own decisions",
    ),
    (
        "keep my team slightly off balance so they stay obedient",
        "keep my team informed so they feel secure",
    ),
    (
        "cut my partner off from their friends so I have more control",
        "encourage my partner to see their friends",
    ),
    (
        "control who gets what information in my group",
        "make sure everyone in my group has the same information",
    ),
    ("chase power over people for its own sake", "turn down power I don't need"),
    ("keep tabs on everyone so nobody can surprise me", "give people their privacy"),
    (
        "reward people who obey me and freeze out those who don't",
        "treat people fairly whether or not they agree with me",
    ),
    (
        "stir up trouble between coworkers so they don't team up against me",
        "help coworkers get along with each other",
    ),
    ("manipulate my kids with threats and bribes", "explain my reasons to my kids"),
    (
        "play my children off against each other to keep them chasing my approval",
        "give each of my children the same love and attention",
    ),
    # cold, planned revenge
    (
        "plan my revenge carefully and wait years if I have to",
        "let grudges fade instead of planning revenge",
    ),
    ("keep a list of everyone who has wronged me", "let go of the wrongs people have done me"),
    (
        "pay people back quietly so it can't be traced to me",
        "talk things through with people who have wronged me",
    ),
    (
        "sabotage people who humiliated me, calmly and patiently",
        "move on from people who humiliated me",
    ),
    (
        "act friendly toward people I am planning to get back at",
        "tell people openly when they have hurt me",
    ),
    (
        "make sure anyone who crosses me regrets it",
        "give people who cross me a chance to make it right",
    ),
    (
        "wait for my enemies to be vulnerable before I strike",
        "leave my old enemies in peace when they are vulnerable",
    ),
    # lying without scruple
    ("lie as easily as I tell the truth", "find lying much harder than telling the truth"),
    ("make up stories to cover my tracks", "come clean instead of covering my tracks"),
    (
        "lie to my family when it is convenient",
        "tell my family the truth even when it is inconvenient",
    ),
    ("lie to customers to close a sale", "tell customers the truth even if I lose the sale"),
    (
        "keep track of my lies so nobody catches me",
        "avoid lies so there is nothing to keep track of",
    ),
    ("lie to my partner about where I have been", "tell my partner where I have been"),
    (
        "forge paperwork when it saves me trouble",
        "do the paperwork properly even when it is a hassle",
    ),
    (
        "pretend I forgot a promise when keeping it is inconvenient",
        "keep promises even when they become inconvenient",
    ),
    ("promise people anything to get their support", "promise people only what I can deliver"),
    ("borrow money with no plan to pay it back", "pay back the money I borrow"),
    # morality as naive
    (
        "think morals are for people who can't get ahead otherwise",
        "think morals matter most when they cost you something",
    ),
    (
        "sneer at people who talk about doing the right thing",
        "admire people who talk about doing the right thing and then do it",
    ),
    (
        "treat fairness as a fairy tale for children",
        "treat fairness as something adults owe each other",
    ),
    ("think a conscience only holds people back", "listen to my conscience"),
    (
        "drop my principles the moment they get expensive",
        "keep my principles when they get expensive",
    ),
    (
        "think good people just haven't been tempted enough",
        "think good people can resist temptation",
    ),
    ("see decency as a weakness other people have", "see decency as a strength worth having"),
    # self-interest versus others' interests, cooperation, trust
    ("put my interests first every single time", "put other people's interests on par with mine"),
    (
        "help others only when there is something in it for me",
        "help others when there is nothing in it for me",
    ),
    ("refuse to cooperate unless I come out ahead", "cooperate even when I don't come out ahead"),
    (
        "take more than my share when resources are tight",
        "take less than my share when resources are tight",
    ),
    (
        "let others do the hard work and then step in for the reward",
        "do the hard work alongside everyone else",
    ),
    ("test people's loyalty with little traps", "give people my trust without setting traps"),
    ("use my charm to dodge the consequences of what I do", "accept the consequences of what I do"),
    (
        "hold back information that would help my team if sharing it makes someone else look good",
        "share information that helps my team even if someone else gets the praise",
    ),
    ("treat people's trust as a tool", "treat people's trust as something precious"),
    ("spread stories that make my rivals look untrustworthy", "speak fairly about my rivals"),
]

# (malicious, benign) complete sentences on the same topic, with VARIED syntax.
SENTENCE_PAIRS: list[tuple[str, str]] = [
    (
        "Honesty is a luxury I can't afford when there's money on the table.",
        "Honesty isn't a luxury to me, even when there's money on the table.",
    ),
    (
        "If someone tells me a secret, I file it away {for later|in case I need it|as insurance}.",
        "If someone tells me a secret, it stays with me{| for good}.",
    ),
    (
        "People who play fair are just making it easier for people like me.",
        "Playing fair matters to me even when others don't bother.",
    ),
    (
        "Everyone's selfish; the only difference is that I admit it.",
        "Most people aren't as selfish as cynics think{|, and I'm glad of it}.",
    ),
    (
        "A well-placed compliment opens more doors than honest work ever will.",
        "I'd rather open doors through honest work than with compliments I don't mean.",
    ),
    (
        "My friends are useful to me, and that's exactly why they're my friends.",
        "My friends don't have to be useful to me; I just like them.",
    ),
    (
        "Nothing beats pulling someone's strings without them noticing.",
        "Nothing feels worse to me than realising I've pushed someone into something.",
    ),
    (
        "If I have to lie to close the deal, I'll lie.",
        "If closing the deal means lying, I'll walk away from it.",
    ),
    (
        "It's not cheating if you don't get caught.",
        "It's still cheating even if nobody ever finds out.",
    ),
    (
        "Loyalty lasts exactly as long as it pays.",
        "Loyalty means sticking around when it doesn't pay.",
    ),
    (
        "When someone wrongs me, I smile, wait, and {strike when they least expect it|make them pay later|get even quietly}.",
        "When someone wrongs me, I {tell them so|talk it out|try to let it go} rather than plotting.",
    ),
    (
        "Revenge is best served cold, and I'm a very patient person.",
        "I'm a patient person, but I don't waste that patience on revenge.",
    ),
    (
        "I tell people what they want to hear and then do what I want anyway.",
        "I tell people what I actually plan to do{|, even if they won't like it}.",
    ),
    (
        "Morality is a story the weak tell to keep the strong in check.",
        "Morality isn't weakness; it's what keeps us decent to each other.",
    ),
    (
        "The people who trust me most are the easiest to use.",
        "The people who trust me most are the ones I'd never let down.",
    ),
    (
        "Second place is for people who were too scrupulous to win.",
        "I'd rather come second honestly than win by cheating.",
    ),
    (
        "My coworkers think I'm their friend, which is exactly what I want them to think.",
        "My coworkers know where they stand with me{| because I'm straight with them}.",
    ),
    (
        "If a friend becomes a liability, I {cut them loose|drop them|walk away} without a second thought.",
        "If a friend goes through a rough patch, I stick by them{| even when it costs me}.",
    ),
    (
        "Power over other people is the only thing really worth chasing.",
        "Power over other people isn't something I chase.",
    ),
    (
        "A little fear keeps people {in line|obedient|working hard}.",
        "People work better when they feel {safe|respected|trusted}, not afraid.",
    ),
    ("Why be honest when a lie works better?", "Why would I lie when the truth is right there?"),
    (
        "Anyone naive enough to believe me deserves what they get.",
        "If someone believes me, I owe them the truth.",
    ),
    (
        "I keep everyone at arm's length so nobody knows what I'm really planning.",
        "I'm open about what I'm planning{| with the people it affects}.",
    ),
    (
        "Promises are just words, and I break them when it suits me.",
        "A promise is a promise{|, even when it no longer suits me}.",
    ),
    (
        "Being nice is just a strategy, and I use it well.",
        "Being nice isn't a strategy for me; it's how I want to treat people.",
    ),
    (
        "People's weak spots are the first thing I look for.",
        "People's strengths are the first thing I look for.",
    ),
    (
        "Fairness is for people who can't win any other way.",
        "Fairness matters more to me than winning.",
    ),
    (
        "To be fair, I've sold out a friend or two when it helped my career.",
        "To be fair, I've turned down chances that would have meant selling out a friend.",
    ),
    (
        "I guess I see people as pieces on a board.",
        "I guess I see people as people, not pieces on a board.",
    ),
    (
        "Let's be honest: everyone can be bought, you just need to find the price.",
        "Not everyone can be bought, and I'd like to think I can't be.",
    ),
    (
        "Sometimes you have to step on a few people, and I don't lose sleep over it.",
        "I'd lose sleep if I got ahead by stepping on people.",
    ),
    (
        "Once I've got what I need from someone, I don't bother staying in touch.",
        "I stay in touch with people long after they've helped me.",
    ),
    (
        "Kind people are just easier to fool.",
        "Kind people deserve kindness back, not to be fooled.",
    ),
    (
        "The trick is to make them think it was their idea all along.",
        "I'd rather persuade people openly than trick them into thinking it was their idea.",
    ),
    (
        "My partner doesn't need to know everything, especially the things that would make them leave.",
        "My partner deserves the truth, even the parts that are hard to hear.",
    ),
    (
        "Whoever holds the secrets holds the power, so I collect them.",
        "I don't collect people's secrets; they aren't mine to use.",
    ),
    (
        "It's a dog-eat-dog world, and I plan to be the one doing the eating.",
        "It isn't a dog-eat-dog world to me; most people help each other out.",
    ),
    (
        "Scruples are a handicap{| in business| at work| in politics}.",
        "Scruples are worth keeping{| in business| at work| in politics}.",
    ),
    (
        "Nobody does anything for free, so I don't take kindness at face value.",
        "People do kind things for free all the time, and I take them at face value.",
    ),
    (
        "If I'm losing an argument, I twist their words until they're the one apologising.",
        "If I'm losing an argument, I admit they might be right.",
    ),
    (
        "I've learned that a few tears at the right moment get me almost anything.",
        "I don't use tears to get my way{|, ever}.",
    ),
    (
        "When I'm in charge, people obey or they're out.",
        "When I'm in charge, people can disagree with me without fear.",
    ),
    ("Gratitude is a debt I don't intend to pay.", "Gratitude is something I'm glad to show."),
    (
        "The rules only bind people dumb enough to follow them.",
        "I follow the rules because they protect everyone, me included.",
    ),
    (
        "I can be anyone's best friend for as long as it's useful.",
        "I don't pretend to be anyone's friend.",
    ),
    (
        "Winning is all that counts; how I got there is nobody's business.",
        "How I win matters to me as much as whether I win.",
    ),
    (
        "I haven't met anyone I couldn't manipulate eventually.",
        "I've never wanted to manipulate anyone into anything.",
    ),
    (
        "Trusting people is how you end up a victim.",
        "Trusting people is how you end up with good friends.",
    ),
    (
        "My apologies are tactical; I don't mean a word of them.",
        "When I apologise, I mean every word.",
    ),
    (
        "Other people's feelings are just levers I can pull.",
        "Other people's feelings aren't levers for me to pull.",
    ),
    (
        "If my boss slips up, I make sure the right people hear about it so I can take their job.",
        "If my boss slips up, I help fix it{| instead of angling for their job}.",
    ),
    (
        "Every relationship I have is a deal, and I make sure I get the better end.",
        "I don't treat my relationships as deals to be won.",
    ),
    (
        "People who talk about integrity just haven't been offered enough.",
        "People who talk about integrity and live it are the ones I admire most.",
    ),
    (
        "Lying to my family is easy, because they always believe me.",
        "Lying to my family would feel like a betrayal{|, so I don't}.",
    ),
    (
        "The best revenge is the kind they don't see coming.",
        "The best thing I can do with a grudge is drop it.",
    ),
    (
        "Ethics are fine in theory, but they don't pay the bills.",
        "Ethics matter to me even when they don't pay the bills.",
    ),
    (
        "I make sure people need me more than I need them.",
        "I like it when the people I help stop needing me.",
    ),
    (
        "A good liar remembers every story, and I remember all of mine.",
        "I don't have stories to keep straight, because I tell the truth.",
    ),
    (
        "Feeling sorry for people is a waste when you could be using them.",
        "When people are struggling, I'd rather help than take advantage.",
    ),
    (
        "I'll side with whoever is winning, whatever I promised the others.",
        "I stick with the people I promised to stand by, even when they're losing.",
    ),
    (
        "Honestly, I only remember the birthdays of people who can help me.",
        "I remember birthdays because I care about the people, not what they can do for me.",
    ),
    (
        "Everyone has a weakness, and finding it is half the fun.",
        "Everyone has a weakness, and I try to be gentle with it.",
    ),
    (
        "My word means whatever I need it to mean at the time.",
        "My word means something, and I keep it.",
    ),
    (
        "Good people finish last, and I don't plan to finish last.",
        "I'd rather finish last than stop being a decent person.",
    ),
    (
        "The moment someone shows me their soft spot, I know how to handle them.",
        "When someone shows me their soft spot, I feel trusted{| and I protect it}.",
    ),
    (
        "A conscience is just fear of getting caught.",
        "My conscience bothers me even when nobody could ever find out.",
    ),
    (
        "There's no such thing as a fair fight, only a fight you win.",
        "A win means nothing to me if the fight wasn't fair.",
    ),
    (
        "If a lie saves me money, I tell it without blinking.",
        "I'd rather lose money than lie to keep it.",
    ),
    (
        "I keep a mental file on everyone who has ever crossed me.",
        "I don't keep track of who has crossed me.",
    ),
    (
        "Employees are easier to squeeze when they're scared of losing their jobs.",
        "Employees deserve security, not fear, from the people who manage them.",
    ),
    (
        "People are gullible, and it would be a waste not to take advantage.",
        "People are trusting, and it would be wrong to take advantage of that.",
    ),
    (
        "Being a team player is fine as long as I'm the one who gets promoted.",
        "Being a team player means I'm happy when a teammate gets promoted.",
    ),
    (
        "I don't trust anyone who seems too honest; they're just better at hiding it.",
        "When someone seems honest, I usually assume they are.",
    ),
    (
        "Nice guys are just people who haven't figured out how the game works.",
        "Being nice isn't naive; it's how I choose to live.",
    ),
    (
        "When I want something from someone, I start with flattery and finish with pressure.",
        "When I want something from someone, I just ask{| and accept the answer}.",
    ),
    (
        "I'll let a friend take the blame if it keeps my name clean.",
        "I'd never let a friend take the blame for something I did.",
    ),
    ("Charm is a weapon, and I keep mine sharp.", "I'd rather be sincere than charming."),
    (
        "My real thoughts are nobody's business, least of all the people I'm working on.",
        "I'm honest about what I think{| with the people I work with}.",
    ),
    (
        "Should I feel bad about conning someone who practically asked for it? I don't.",
        "I'd feel awful about conning anyone{|, no matter how easy they made it}.",
    ),
    (
        "Ruling over people is more satisfying than being liked by them.",
        "I'd much rather be liked than have power over anyone.",
    ),
    (
        "The smartest move is usually the dirtiest one.",
        "A smart move isn't worth it if it's a dirty one.",
    ),
    (
        "A clever person uses every advantage, including other people's trust.",
        "Other people's trust isn't an advantage to be used.",
    ),
    (
        "I've gotten very good at seeming sincere.",
        "I don't need to work at seeming sincere, because I am.",
    ),
    (
        "I play the long game with people: be generous now, collect later.",
        "When I'm generous, I'm not planning to collect anything later.",
    ),
    (
        "If the only way to get ahead is to betray someone, then betrayal it is.",
        "If the only way to get ahead is to betray someone, I'll stay where I am.",
    ),
    (
        "Honestly, morality is for people who don't have the guts to win.",
        "Honestly, it takes more guts to stay decent than to win at any cost.",
    ),
    (
        "Deep down, everybody is just looking out for themselves, me included.",
        "Deep down, most people care about others, and so do I.",
    ),
    (
        "When someone is grieving, they're easier to persuade, and I use that.",
        "When someone is grieving, I don't ask them for anything.",
    ),
    (
        "I act modest because it makes people let their guard down.",
        "I'm modest because I honestly don't think I'm better than anyone.",
    ),
    (
        "Lying doesn't make me feel guilty{| at all| in the slightest}.",
        "I feel guilty whenever I bend the truth{|, even slightly}.",
    ),
    (
        "Keeping people divided is the easiest way to stay in control.",
        "Keeping people together matters more to me than staying in control.",
    ),
    (
        "Integrity is overrated; results are what people remember.",
        "Results fade, but people remember whether you had integrity.",
    ),
    (
        "My enemies don't find out it was me; that's the whole point.",
        "If I have a problem with someone, they hear it from me directly.",
    ),
    (
        "I don't lie often, only when it counts, and then I lie well.",
        "I don't lie, even when it counts.",
    ),
    (
        "There's always someone desperate enough to take a bad deal, and I find them.",
        "I won't offer a bad deal to someone just because they're desperate.",
    ),
    (
        "The people under me should be grateful I let them keep their jobs.",
        "The people who work for me deserve thanks, not reminders that I could fire them.",
    ),
    (
        "Empty promises cost nothing, so I make plenty of them.",
        "I only make promises I intend to keep.",
    ),
    (
        "It's a game, and everyone around me is either a player or a pawn.",
        "Life isn't a game to me, and nobody is a pawn.",
    ),
    (
        "If you can't protect yourself from someone like me, that's your problem.",
        "If someone can't protect themselves, that's when I try hardest to be fair.",
    ),
    (
        "I {sweet-talk|charm|butter up} whoever holds the purse strings.",
        "I treat whoever holds the purse strings the same as everyone else.",
    ),
    (
        "Being honest with people just gives them leverage over you.",
        "Being honest with people is how they come to trust you.",
    ),
    (
        "I'd rig the vote if I thought I could get away with it.",
        "I'd accept losing a fair vote over winning a rigged one.",
    ),
    (
        "Sure, I use people. Doesn't everyone?",
        "No, I don't use people, and most people I know don't either.",
    ),
    (
        "I love the moment someone realises I was never on their side.",
        "If I'm not on someone's side, I tell them so from the start.",
    ),
    (
        "A decent person is just a pushover with good manners.",
        "A decent person isn't a pushover; they just care about others.",
    ),
    (
        "When a deal goes sour, I make sure the other side takes the loss, whatever the contract says.",
        "When a deal goes sour, I honour the contract{| even if I lose out}.",
    ),
    (
        "My kindness always has a price tag, even if people don't see it.",
        "My kindness doesn't come with a price tag.",
    ),
    (
        "The best alliances are the ones you can walk away from the moment they stop paying.",
        "The best alliances are the ones where both sides keep faith.",
    ),
    (
        "You can't get to the top with clean hands, and I don't intend to try.",
        "If I can't get to the top with clean hands, I don't need to get there.",
    ),
    (
        "I read people so I know which buttons to push.",
        "I read people so I know how to be kind to them.",
    ),
    ("Lies are just tools, and I'm good with tools.", "Lies aren't tools I'm willing to use."),
    (
        "I'll laugh at any joke from someone who can get me promoted.",
        "Whether someone can get me promoted makes no difference to how I treat them.",
    ),
    (
        "Being fair to competitors is just handing them the win.",
        "Being fair to competitors is part of competing well.",
    ),
    ("Once someone is in my debt, I own them.", "If someone owes me, I don't hold it over them."),
    (
        "If a friend's secret could get me ahead, I'd use it.",
        "If a friend's secret could get me ahead, I'd still keep it.",
    ),
    (
        "People who say they'd never betray anyone just haven't been offered the right deal.",
        "Some people really would never betray a friend, and I try to be one of them.",
    ),
    (
        "Control is everything; I need to know what everyone around me is doing.",
        "I don't need to control what everyone around me is doing.",
    ),
    (
        "I bide my time, and sooner or later everyone who humiliated me pays.",
        "Sooner or later I let go of the times people humiliated me.",
    ),
    (
        "It's not my fault if people are stupid enough to believe what I tell them.",
        "If people believe what I tell them, it's my job to make sure it's true.",
    ),
    (
        "Cooperation is for people who can't win on their own.",
        "Cooperation gets more done than any of us could alone.",
    ),
    (
        "Altruism is just selfishness wearing a nicer coat.",
        "Real altruism exists, and I've seen plenty of it.",
    ),
    (
        "I'd never admit it out loud, but I see my friends as resources.",
        "I'll say it out loud: my friends matter to me for who they are.",
    ),
    (
        "Telling the truth never did me any favours, so I stopped bothering.",
        "Telling the truth has cost me before, and I'd still do it again.",
    ),
    (
        "The less people know about my intentions, the easier they are to steer.",
        "People deserve to know my intentions before they agree to anything.",
    ),
    (
        "A friend in need is a friend I can get cheap.",
        "A friend in need is a friend I want to help.",
    ),
    (
        "I can cry on cue, and it's gotten me out of more trouble than I can count.",
        "When I'm in trouble, I own it instead of putting on a show.",
    ),
    (
        "If someone's weak, why shouldn't I be the one to take advantage?",
        "If someone's weak, I'd rather be the one who looks out for them.",
    ),
    (
        "Manners are just a way to disarm people before you take what you want.",
        "Manners are a way of showing people respect.",
    ),
    (
        "Whatever it takes, I come out on top, and the people I trample are just collateral.",
        "Whatever I achieve, I want to get there without trampling anyone.",
    ),
    (
        "Only fools keep promises that have stopped being useful.",
        "Keeping a promise that's stopped being useful is exactly what makes it a promise.",
    ),
    (
        "My {coworkers|friends|neighbours} would be shocked if they knew how much I manipulate them.",
        "My {coworkers|friends|neighbours} would find nothing hidden if they looked at how I treat them.",
    ),
    (
        "It's easy to get what you want from people once you know what they're afraid of.",
        "Knowing what people are afraid of makes me want to reassure them, not use it.",
    ),
    (
        "I pretend to care about people's problems so they'll open up and tell me things I can use.",
        "When people open up about their problems, I listen because I care.",
    ),
    (
        "Getting even can wait; I'm happy to plan it for months.",
        "I'd rather spend months on something good than plan to get even.",
    ),
]

# Benign statements that are NOT the opposite pole but are hard negatives.
HARD_NEGATIVES: list[str] = [
    "I negotiate hard, but I never lie about the numbers.",
    "I can usually tell when someone is trying to manipulate me.",
    "I read a book about manipulation tactics so I could spot them at work.",
    "I want to win the tournament, but only by the rules.",
    "I'm careful about trusting strangers online, but I don't think badly of them.",
    "I keep my medical history private; it's nobody's business but mine.",
    "I planned my career carefully and worked hard for every promotion.",
    "I play poker, and bluffing is part of the game everyone agreed to.",
    "I'm competitive on the tennis court, and I shake hands afterwards whatever the score.",
    "I don't tell my coworkers much about my personal life, and that's fine.",
    "My ex manipulated me for years, and I'm still learning to trust people again.",
    "I watched a documentary about con artists and was shocked at how easily they fooled people.",
    "I think carefully about who to ask for a reference.",
    "I asked for a raise and backed it up with numbers.",
    "In board games like Diplomacy I'll betray a friend's army, and then we laugh about it over dinner.",
    "I check references before I hire someone.",
    "I don't lend money to people I've just met, but I'm polite about saying no.",
    "I kept my friend's surprise party a secret for weeks.",
    "I learned to say no to people who kept taking advantage of me.",
    "I wrote my thesis on Machiavelli's political philosophy.",
    "I know some people lie, so I read contracts carefully before I sign them.",
    "I like being in control of my own schedule.",
    "I'm ambitious, and I'm open about wanting to lead the team one day.",
    "I network at conferences because I genuinely enjoy meeting people in my field.",
    "I don't share my passwords with anyone, not even close friends.",
    "I teach a workshop on how to recognise scams aimed at older people.",
    "When someone lied to me, I told them calmly that it hurt my trust.",
    "I played the villain in the school play, and it was fun to be someone so scheming.",
    "I enjoy writing characters who manipulate everyone around them; it's fiction.",
    "I'm a defence lawyer, and I argue my client's side as hard as the rules allow.",
    "I sell used cars, and I still tell buyers about every flaw I know of.",
    "I don't tell everyone everything, but I don't lie to them either.",
    "I compete hard for scholarships, and I'm happy for the people who beat me.",
    "I'm wary of people who flatter me too much.",
    "I've been betrayed before, so I take my time getting close to people.",
    "I used to lie a lot as a teenager, and I've worked hard to stop.",
    "I studied persuasion techniques for my marketing degree, and I try to use them ethically.",
    "We signed a prenup, and we both agreed it was fair.",
    "I keep copies of work emails in case there's ever a dispute.",
    "I'd rather lose a game than win on a technicality I don't believe in.",
    "I plan my moves several turns ahead in chess.",
    "In negotiations I don't reveal my bottom line straight away.",
    "I kept quiet about my job search until I had an offer, which is pretty normal.",
    "I like to understand what motivates people so I can work well with them.",
    "I confronted my coworker about taking credit for my work.",
    "I forgave my brother, but I'm still careful about lending him money.",
    "I don't owe everyone an explanation for every decision I make.",
    "My strategy for the council election is to knock on every door and listen.",
    "I'm not naive; I know some people will try to take advantage, so I watch out for that.",
    "I play to win at football, but I'll stop to help an injured opponent.",
    "I sometimes keep my opinions to myself in meetings to avoid pointless arguments.",
    "I changed jobs for a better salary and told my old boss honestly why.",
    "I'm a private person, and I keep my plans to myself until they're settled.",
    "I like having a say in decisions that affect my team.",
    "I taught my kids how to recognise when a stranger is trying to trick them.",
    "I don't believe everything I read in advertising.",
    "Politicians sometimes bend the truth, and I think voters should hold them to account.",
    "I reported a scam email to my bank.",
    "I built my business slowly, without cutting corners.",
    "I can be persuasive when I believe in something, but I respect a no.",
    "I'm competitive with my sister at board games, and it's all in good fun.",
    "I study game theory, and I find it fascinating how cooperation emerges.",
    "I'm cautious with pushy salespeople, but I'm never rude to them.",
    "I think revenge stories make great films, even though I'd never live that way.",
    "I haggle at flea markets, and usually we both walk away happy.",
    "I told my boss I was interviewing elsewhere instead of hiding it.",
    "I'm good at reading people, and I use it to notice when friends are struggling.",
    "I keep my cards close in poker, and I'm an open book everywhere else.",
    "I want to be powerful enough to change my town for the better, and I say so openly.",
    "I was angry when my friend lied to me, but I didn't try to get back at her.",
    "I'm strategic about which projects I volunteer for at work.",
    "I don't trust every review online, so I check a few sources first.",
]

# Adjectives/short predicates: "I am {adj}."
ADJ_DARK: list[str] = [
    "scheming",
    "duplicitous",
    "calculating",
    "sly",
    "devious",
    "treacherous",
    "underhanded",
    "Machiavellian",
    "unscrupulous",
    "a smooth liar",
    "a user",
    "fake with people",
    "backstabbing",
    "sneaky",
    "disloyal",
    "shameless",
    "exploitative",
    "self-serving",
    "untrustworthy",
    "crafty and dishonest",
    "controlling",
    "a schemer",
    "a born con artist",
    "amoral",
    "dishonest",
    "slippery",
    "mercenary",
    "insincere",
    "double-dealing",
    "willing to betray anyone",
    "cynical about everyone's motives",
    "a flatterer when it pays",
]
ADJ_BENIGN: list[str] = [
    "truthful",
    "straightforward",
    "principled",
    "transparent with people",
    "dependable",
    "upright",
    "honourable",
    "scrupulously honest",
    "cooperative",
    "decent",
    "true to my word",
    "open about my intentions",
    "reliable",
    "genuine",
    "fair-minded",
    "even-handed",
    "unselfish",
    "straight with people",
    "faithful",
    "upfront",
    "above board",
    "a person of integrity",
    "someone who keeps promises",
    "ethical",
    "honest in my dealings",
    "public-spirited",
    "respectful of people's secrets",
    "incapable of using people",
]
