"""English words whose other forms the stemmer cannot join: "met" is "meet", "said" is "say", "children" "child".

A question asks "Who did Rubio meet?" where the article says "Rubio met"; the Snowball stemmer
joins "meets" and "meeting" to "meet" but leaves "met" a word of its own. `tokenize` reads each
form below as its base word first. Only forms that are hardly ever another word are here: not
"left" (the left), "found" (to found), "won" (won't), "bound", "lay", "rose" or "wound".
"""

from __future__ import annotations

# A base word and its other forms (be, have and do are stop words already).
_FORMS = {
    "begin": "began begun",
    "break": "broke broken",
    "bring": "brought",
    "build": "built",
    "buy": "bought",
    "catch": "caught",
    "child": "children",
    "choose": "chose chosen",
    "come": "came",
    "draw": "drew drawn",
    "drive": "drove driven",
    "fall": "fell fallen",
    "feel": "felt",
    "fight": "fought",
    "flee": "fled",
    "fly": "flew flown",
    "forgive": "forgave forgiven",
    "freeze": "froze frozen",
    "give": "gave given",
    "go": "went gone",
    "grow": "grew grown",
    "hear": "heard",
    "hold": "held",
    "keep": "kept",
    "know": "knew known",
    "lead": "led",
    "lose": "lost",
    "make": "made",
    "man": "men",
    "mean": "meant",
    "meet": "met",
    "pay": "paid",
    "run": "ran",
    "say": "said",
    "see": "saw seen",
    "seek": "sought",
    "sell": "sold",
    "send": "sent",
    "shake": "shook shaken",
    "sit": "sat",
    "speak": "spoke spoken",
    "spend": "spent",
    "stand": "stood",
    "steal": "stole stolen",
    "strike": "struck",
    "swear": "swore sworn",
    "take": "took taken",
    "teach": "taught",
    "tell": "told",
    "think": "thought",
    "throw": "threw thrown",
    "understand": "understood",
    "undertake": "undertook undertaken",
    "withdraw": "withdrew withdrawn",
    "woman": "women",
    "write": "wrote written",
}

BASE_WORDS = {form: base for base, forms in _FORMS.items() for form in forms.split()}
