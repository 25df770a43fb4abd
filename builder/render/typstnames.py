"""The names typst's math mode knows (typst 0.15.2), for ``builder.render.typstcheck``.

Generated from ``dictionary(math)``; tests/test_typstcheck.py checks it against the
installed typst, so an upgrade that adds or drops a name is noticed.
"""

from __future__ import annotations

SYMBOLS = frozenset({
    "AA", "Alpha", "BB", "Beta", "CC", "Chi", "DD", "Delta", "Digamma", "EE", "Epsilon",
    "Eta", "FF", "GG", "Gamma", "HH", "II", "Im", "Iota", "JJ", "KK", "Kappa", "LL",
    "Lambda", "MM", "Mu", "NN", "Nu", "OO", "Omega", "Omicron", "PP", "Phi", "Pi",
    "Psi", "QQ", "RR", "Re", "Rho", "SS", "Sha", "Sigma", "TT", "Tau", "Theta", "UU",
    "Upsilon", "VV", "WW", "XX", "Xi", "YY", "ZZ", "Zeta", "acute", "afghani", "aleph",
    "alpha", "amp", "and", "angle", "angstrom", "angzarr", "approx", "arrow",
    "arrowhead", "arrows", "ast", "asymp", "at", "backslash", "bag", "baht", "ballot",
    "bar", "because", "beta", "beth", "bitcoin", "bot", "bowtie", "brace", "bracket",
    "breve", "bullet", "caret", "caron", "cc", "cedi", "ceil", "cent", "checkmark",
    "chevron", "chi", "circle", "co", "colon", "comma", "complement", "compose",
    "convolve", "copyleft", "copyright", "corner", "crossmark", "currency", "dagger",
    "daleth", "dash", "degree", "delta", "diaer", "diameter", "diamond", "die",
    "digamma", "div", "divides", "dollar", "dong", "dorome", "dot", "dotless", "dots",
    "dram", "earth", "ell", "ellipse", "emptyset", "epsilon", "eq", "equiv", "errorbar",
    "eta", "euro", "excl", "exists", "fence", "flat", "floor", "floral", "forall",
    "forces", "frown", "gamma", "gimel", "gradient", "grave", "gt", "guarani",
    "harpoon", "harpoons", "hash", "hat", "hexa", "hourglass", "hryvnia", "hyph",
    "image", "in", "infinity", "integral", "inter", "interleave", "interrobang", "iota",
    "join", "jupiter", "kappa", "kip", "lambda", "laplace", "lari", "lat", "lira",
    "lozenge", "lrm", "lt", "macron", "maltese", "manat", "mapsfrom", "mapsto", "mars",
    "mercury", "minus", "miny", "models", "mu", "multimap", "mustache", "nabla",
    "naira", "natural", "neptune", "not", "note", "nothing", "nu", "numero", "omega",
    "omicron", "oo", "or", "original", "parallel", "parallelogram", "paren", "partial",
    "pataca", "pee", "penta", "percent", "permille", "permyriad", "perp", "peso", "phi",
    "pi", "pilcrow", "planck", "plus", "pound", "power", "prec", "prime", "product",
    "prop", "psi", "qed", "quest", "quote", "ratio", "rect", "refmark", "rest", "rho",
    "riel", "riyal", "rlm", "ruble", "rupee", "saturn", "section", "semi", "sha",
    "sharp", "shekel", "shell", "sigma", "slash", "smash", "smile", "smt", "som",
    "space", "spacebar", "square", "star", "subset", "succ", "suit", "sum", "sun",
    "supset", "tack", "taka", "taman", "tau", "tenge", "therefore", "theta", "tilde",
    "times", "tiny", "togrog", "top", "trademark", "triangle", "underscore", "union",
    "upsilon", "uranus", "venus", "without", "wj", "won", "wreath", "xi", "xor", "yen",
    "yuan", "zero", "zeta", "zwj", "zwnj", "zws",
})
"""Symbols: ``arrow.r.long`` (a symbol with modifiers) is data."""

FUNCTIONS = frozenset({
    "Dif", "Pr", "abs", "accent", "arccos", "arcsin", "arctan", "arg", "attach", "bb",
    "binom", "bold", "cal", "cancel", "cases", "class", "cos", "cosh", "cot", "coth",
    "csc", "csch", "ctg", "deg", "det", "dif", "dim", "display", "equation", "exp",
    "frac", "frak", "gcd", "hom", "id", "im", "inf", "inline", "italic", "ker", "lcm",
    "lg", "lim", "liminf", "limits", "limsup", "ln", "log", "lr", "mat", "max", "med",
    "mid", "min", "mod", "mono", "norm", "op", "overbrace", "overbracket", "overline",
    "overparen", "overshell", "primes", "quad", "root", "round", "sans", "scr",
    "script", "scripts", "sec", "sech", "serif", "sin", "sinc", "sinh", "sqrt",
    "sscript", "stretch", "sup", "tan", "tanh", "text", "tg", "thick", "thin", "tr",
    "underbrace", "underbracket", "underline", "underparen", "undershell", "upright",
    "vec", "wide",
})
"""Functions and operators (``frac``, ``sin``): callable, but never a field access."""
