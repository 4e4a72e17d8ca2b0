"""Students' own passwords: two short words and a number, e.g. ``frog moon 47``.

A young child can read and type them; a class can never log in as each other because every
student has their own. Only an argon2 hash is kept, so a lost password is replaced, never
recovered. Typing is forgiving: case, spaces and hyphens do not matter (``Frog-Moon 47`` is
``frogmoon47``), which costs no strength because generated passwords contain none of them.

Strength: about 500 × 500 words × 90 numbers ≈ 22 million (24 bits). That is weak against
an offline attack on a stolen hash (argon2 makes each try costly) but ample online, where
guessing is slowed per account (growing delays) and per address
(:mod:`app.people.ratelimit`): at one guess a minute, finding one student's password takes
about 20 years on average.
"""

from __future__ import annotations

import secrets
import unicodedata

_WORDS = """
ant ape arm art ash axe bag bat bay bean bear bed bee bell belt berry bike bird boat
bone book boot bowl box boy bread brick bug bun bus cake calf camp can cap car card cart
cat cave chip clay cliff clock cloud coat cod coin cone cook cord corn cow crab crow cub
cup cut dam day deer den desk dew dig dime dish dock dog doll door dot dove drum duck
dune dust eel egg elf elk elm emu end eye fan farm fawn fern fig fin fire fish flag flat
flea foal fog fork fort fox frog fun gate gem gift goat gold golf gull gum hat hay hen
hill hive hog hook hoop horn horse hut ice ink inch iron jam jar jet jog joy jug kea keg
kelp key kid kin kit kite kiwi lab lake lamb lamp land lark leaf leg lemon lid lily lime
lion log loom lunch map maple mat melon mint mist mole moon moss moth mouse mud mug nail
nest net newt nut oak oar oat owl pad pail palm pan park path paw pea peach pear pen pet
pie pig pin pine pipe plum pod pond pony pool pot pug pump pup rain ram ray reef rice
ring road rock roof room rope rose rug sail salt sand seal seed shed shell ship shoe
shop sink ski sky sled slug snow sock sofa soup spud star stem step stew stone sun swan
tail tank tap tea tent tide tiger toad toe tool top town toy tree tub tuna tusk van vase
vest vine wave web well whale wheel wig wind wing wolf wood wool worm yak yam yard yarn
zoo zip acorn apple bagel banjo beach berg blue bolt bread brook brush bunny cabin camel
candy canoe chalk cheek chess chick cider cobra coral crane crown daisy dingo diver
dream eagle easel fairy feast field flute frost fruit ghost giant glove goose grape
grass gravy heart hedge honey igloo jelly juice koala ladle lasso latch lemur llama
lodge lucky magic mango marsh medal miner mouth music noodle ocean olive onion otter
panda paper party pasta pearl pecan penny piano pilot pizza plane plant plate poppy
prawn puppy queen quilt radio raft river robin rocket ruby salad scarf scout sheep shelf
shore skate slide smile snack snail spade spoon squid stamp stick storm straw sugar
swing table taco tiger toast token torch tower train tulip turtle twig violin wagon
water whisk yacht zebra anchor basket button carrot castle cookie donkey dragon feather
garden guitar hammer island kitten ladder lizard mitten muffin nugget orange parrot
pebble pencil pepper pickle pillow planet pocket potato pretzel puffin rabbit ribbon
saddle salmon shovel silver spider sponge summer tablet teapot ticket tomato tunnel
velvet walrus window winter yellow bamboo beetle blanket bottle bridge bubble cactus
candle cherry cloud comet copper cotton crayon cricket crumb dolphin falcon flower
forest gecko goblet harbor hazel helmet jacket jigsaw kettle lantern lobster marble
meadow mirror monkey nectar oyster paddle peanut pillar pirate
""".split()  # noqa: SIM905 (a word list reads best as words)
WORDS: tuple[str, ...] = tuple(dict.fromkeys(_WORDS))
"""The word list: short, common, easy to spell, all lower case letters."""


def new_password() -> str:
    """A fresh password such as ``frog moon 47`` (words from :data:`WORDS`, number 10–99)."""
    first, second = secrets.choice(WORDS), secrets.choice(WORDS)
    return f"{first} {second} {secrets.randbelow(90) + 10}"


def normalise(typed: str) -> str:
    """What a child typed, as it is checked: case, spaces and hyphens do not count."""
    text = unicodedata.normalize("NFKC", typed).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch != "-")
