"""Attribution candidates found by rules over one spaCy parse: who (source), the cue word, and
what was said or believed (content), each with exact character offsets.

Why rules: they are deterministic, explainable, need no model call, and on news text a
handful of constructions carry most attributions: a reporting verb and its clause ("X said
that ..."), a quotation with its speaker before or after it, "according to X", an inverted
"..., said X", and verbs whose object is the content ("accused X of Y"). Content spans follow
PolNeAR's conventions, measured on its training split: a "that" stays in, quote marks stay
in, a sentence's final period stays out.

The passes, in order, each skipping quotations an earlier one used:
1. ``clauses``: a cue verb with a clause, an object or an infinitive; "according to X" and
   "in a poll"; a cue noun with a "that" clause; a headline "Name: words". A cue inside a
   quotation is dropped (PolNeAR rarely marks attributions nested in quoted speech), and a
   content that is mostly a quotation takes the whole quotation;
2. quotations next to a cue that had no complement ("he said:" then a quote, or "“...,”
   said Smith"); lexicon verbs first, then any verb ("“...,” she quipped");
3. a quotation opening the sentence after a quoted candidate continues it, and a quotation
   ending just before a quoted candidate's cue begins it ("“A,” she said, “B.”").
Sources are resolved last, in text order, so a pronoun can refer to an earlier speaker. In an
interview laid out as questions and answers (``interviews``), "I" and "we" in an answer are
the interviewee, and each sentence of an answer that no pass took is a candidate of its own,
the interviewee's words.
"""

from __future__ import annotations

from dataclasses import replace

from stance.reading.find.candidate import Candidate, CandidateKind
from stance.reading.find.clauses import RawCandidate, clause_candidates
from stance.reading.find.descriptions import resolve_description
from stance.reading.find.document import Document, TextSpan, Token, overlap
from stance.reading.find.interview_candidates import (
    answer_candidates,
    interviewee_speaking,
    put_to_the_interviewee,
    within,
)
from stance.reading.find.interviews import find_interview
from stance.reading.find.lexicon_data import Lexicon, lexicon
from stance.reading.find.quote_marks import QUOTE_MARKS, Quote, find_quotes
from stance.reading.find.source_names import SourceMention, mention_at, resolve_pronoun
from stance.reading.find.speaker_nouns import can_speak
from stance.reading.find.type_words import CALLING, REJECTING

__all__ = ["Candidate", "CandidateKind", "find_candidates"]

_MIN_QUOTE_WORDS = 4  # shorter quotations are scare quotes or titles, not statements


_ACTOR_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP"})  # labels that name an actor


def _span(doc: Document, parts: list[tuple[int, int]]) -> tuple[TextSpan, tuple[TextSpan, ...]]:
    parts = sorted(p for p in parts if p[1] > p[0])
    pieces = tuple(doc.span(s, e) for s, e in parts)
    return doc.span(parts[0][0], parts[-1][1]), pieces


def _widen_to_quotes(
    parts: list[tuple[int, int]], cue: tuple[int, int], quotes: list[Quote]
) -> list[tuple[int, int]]:
    """A content that is mostly inside a quotation, or starts or ends at its mark, takes the
    whole quotation (PolNeAR keeps the marks in), unless the cue itself is inside that
    quotation: then the candidate is nested in the quote ("“I think ...,” she said")."""
    out: list[tuple[int, int]] = []
    for s, e in parts:
        pieces: list[tuple[int, int]] = []
        for q in quotes:
            ov = overlap((s, e), (q.start, q.end))
            if not ov or q.start <= cue[0] < q.end:
                continue
            inside = ov >= 0.5 * (e - s) or ov >= 0.5 * (q.end - q.start)
            if inside or abs(s - q.start) <= 2 or abs(e - q.end) <= 2:
                if len(q.parts) > 1 and q.start <= s and e <= q.end:
                    pieces = [(p.start, p.end) for p in q.parts]  # one piece a paragraph
                s, e = min(s, q.start), max(e, q.end)
        out.extend(pieces if pieces and (s, e) == (pieces[0][0], pieces[-1][1]) else [(s, e)])
    return out


def find_candidates(doc: Document, lex: Lexicon | None = None) -> list[Candidate]:
    """Every attribution candidate in ``doc``, in text order of their cues."""
    lex = lexicon() if lex is None else lex
    quotes = find_quotes(doc)
    raws = [r for r in clause_candidates(doc, lex) if not _inside_quote(r, doc, quotes)]
    for r in raws:
        r.content = _widen_to_quotes(r.content, r.cue, quotes)
    raws = _attach_quotes(doc, raws, quotes)
    raws = _continue_quotes(doc, raws, quotes)
    raws = _join_split_quotes(doc, raws, quotes)
    raws = sorted((r for r in raws if r.content), key=lambda r: (r.cue[0], r.content[0][0]))
    interview = find_interview(doc, lex)
    out: list[Candidate] = []
    earlier: list[SourceMention] = []
    for raw in raws:
        content, pieces = _span(doc, raw.content)
        mention = None
        if raw.source is not None:
            mention = resolve_pronoun(doc, mention_at(doc, raw.source, lex), earlier, lex)
            mention = resolve_description(doc, mention, earlier, lex)
            mention = interviewee_speaking(doc, mention, interview, raw.cue[0])
            earlier.append(mention)
        cue = doc.span(*raw.cue)
        grounds = _grounds_of(doc, raw, lex)
        kind = CandidateKind(raw.kind)
        if kind is CandidateKind.REPORTED_SPEECH and all(
            sum(overlap((p.start, p.end), (q.start, q.end)) for q in quotes) >= 0.8 * len(p)
            for p in pieces
        ):
            kind = CandidateKind.DIRECT_QUOTE  # "X said:" + quote, "“...,” X said"
        out.append(
            Candidate.spoken_by(
                mention,
                kind=kind,
                cue=cue,
                content=content,
                parts=pieces,
                sentence=raw.sentence,
                denial=raw.lemma in lex.denial_cues or grounds is not None,
                hedged=raw.hedged,
                names_only=raw.said_after and raw.lemma in lex.denial_cues,
                grounds_of=grounds,
                asked=put_to_the_interviewee(doc, mention, interview, raw.cue[0]),
            )
        )
    kept = []
    for cand in out:
        if not _nested(doc, cand, out, lex):
            kept.append(cand)
        elif _reported_denial(doc, cand, out, lex):
            kept.append(_with_coordinated(doc, replace(cand, reported_inside=True), out))
    if interview is not None:
        answers = answer_candidates(doc, interview, kept)
        kept = [c for c in kept if not any(within(c, a) for a in answers)] + answers
        kept.sort(key=lambda c: (c.cue.start, c.content.start))
    return kept


def _nested(doc: Document, cand: Candidate, others: list[Candidate], lex: Lexicon) -> bool:
    """Whether ``cand``'s cue sits inside another candidate's content ("X said that Y
    criticized Z"): PolNeAR marks such inner attributions in only about one case in seven,
    so they cost more precision than they bring recall. An outer candidate whose source is a
    thing ("..., according to minutes of the meeting") hides nothing: it is no one's claim,
    and the inner one ("Varga had promised that ...") is the only claim there is."""
    return any(
        o is not cand
        and _inside(cand.cue.start, o)
        and not _inside(o.cue.start, cand)
        and (o.source is None or can_speak(doc, o.source, lex))
        for o in others
    )


def _inside(pos: int, cand: Candidate) -> bool:
    return any(p.start <= pos < p.end for p in cand.content_parts)


def _grounds_of(doc: Document, raw: RawCandidate, lex: Lexicon) -> int | None:
    """The offset of the denial cue a participle gives the grounds of: in "disputed the
    account, saying the server held only encrypted backups", what was said is the denial."""
    cue = doc.tokens[raw.cue_token]
    head = doc.tokens[cue.head]
    if cue.dep == "advcl" and cue.tag == "VBG" and _rejects(doc, head, lex):
        return head.start
    return None


def _rejects(doc: Document, verb: Token, lex: Lexicon) -> bool:
    """A verb that rejects what it names: a denial cue, or calling it false ("called the
    union's claim false", "described the report as baseless")."""
    if verb.lemma.lower() in lex.denial_cues:
        return True
    if verb.lemma.lower() not in CALLING:
        return False
    said_to_be = [doc.tokens[c] for c in verb.children if doc.tokens[c].dep in ("oprd", "acomp")]
    said_to_be += [
        doc.tokens[g] for c in verb.children if doc.tokens[c].lower == "as"
        for g in doc.tokens[c].children
    ]  # fmt: skip
    return any(REJECTING.fullmatch(t.lower) for t in said_to_be)


def _reported_denial(doc: Document, cand: Candidate, others: list[Candidate], lex: Lexicon) -> bool:
    """Whether a nested candidate is a denial someone else reports: "Blinken said Chinese
    counterparts ... said Moscow's success didn't depend on China". Kept although nested,
    because a denial is what this tool links to the claim it answers; its source must be
    named and differ from the reporter's, and its cue deny or its words be negated."""
    if cand.source_name is None or cand.source_antecedent is not None:
        return False
    if cand.kind is CandidateKind.ACCORDING_TO:
        return False  # "..., according to CNN": the source of the words around it, not inside
    cue = doc.tokens_within(cand.cue.start, cand.cue.end)[0]
    if cue.lemma.lower() not in lex.reporting_verbs:
        return False  # a verb that only stands by a quotation, or a noun: not a report
    if cand.source is None or not any(
        t.ent_type in _ACTOR_ENTITIES for t in doc.tokens_within(cand.source.start, cand.source.end)
    ):
        return False  # an actor the text names ("Chinese counterparts"), not "voters"
    outer = [o for o in others if o is not cand and _inside(cand.cue.start, o)]
    if any(o.source_name is None or _same_name(o.source_name, cand.source_name) for o in outer):
        return False
    if cand.denial:
        return True
    # the content's own verb negated ("didn't depend"), not a "not" deep inside it
    words = doc.tokens_within(cand.content.start, cand.content.end)
    verbs = [
        w
        for w in words
        if w.head == w.i or not (cand.content.start <= doc.tokens[w.head].start < cand.content.end)
    ]
    verbs += [doc.tokens[c] for v in verbs for c in v.children if doc.tokens[c].dep == "conj"]
    return any(doc.tokens[c].dep == "neg" for v in verbs for c in v.children)


def _with_coordinated(doc: Document, cand: Candidate, others: list[Candidate]) -> Candidate:
    """A reported denial with the report coordinated before it, cue and all: "[they]
    characterized this as trade with Russia and said Moscow's success didn't depend on
    China" is one reported reply, and its first verb says as much as its second."""
    cue = doc.tokens_within(cand.cue.start, cand.cue.end)[0]
    if cue.dep != "conj":
        return cand
    head = doc.tokens[cue.head]
    sibling = next(
        (o for o in others if o.cue.start == head.start and o.source_name == cand.source_name),
        None,
    )
    if sibling is None or sibling.content.start >= cand.content.start:
        return cand
    content = doc.span(sibling.cue.start, cand.content.end)
    return replace(cand, content=content, content_parts=(content,))


def _same_name(a: str, b: str) -> bool:
    return bool(set(a.lower().split()) & set(b.lower().split()))


def _inside_quote(raw: RawCandidate, doc: Document, quotes: list[Quote]) -> bool:
    """Whether the cue is quoted speech itself ("“I think we win,” she said"): PolNeAR
    rarely marks attributions nested in a quotation, and they would repeat its content."""
    return any(
        q.start < raw.cue[0] < q.end and q.words(doc.text) >= _MIN_QUOTE_WORDS for q in quotes
    )


def _covered(quote: Quote, raws: list[RawCandidate]) -> bool:
    size = quote.end - quote.start
    return any(
        sum(overlap(p, (quote.start, quote.end)) for p in r.content) >= 0.5 * size for r in raws
    )


def _attach_quotes(
    doc: Document, raws: list[RawCandidate], quotes: list[Quote]
) -> list[RawCandidate]:
    """A cue with no complement takes the quotation right after it ("he said:" + quote, in
    the same paragraph or opening the next) or right before it in its paragraph ("“...,”
    said Smith"). Being next to a speech verb makes even a short quotation a statement."""
    out = [r for r in raws if r.content]
    for r in sorted((r for r in raws if not r.content), key=lambda r: (r.loose, r.cue[0])):
        para = doc.paragraphs[doc.sentences[r.sentence].paragraph]
        horizon = doc.paragraphs[min(para.index + 1, len(doc.paragraphs) - 1)].end
        near = [q for q in quotes if q.end > para.start and q.start <= horizon]
        after = [q for q in near if q.start >= r.cue[1] and not _covered(q, out)]
        before = [q for q in near if q.end <= r.cue[0] and not _covered(q, out)]
        best: Quote | None = None
        if after:
            q = min(after, key=lambda x: x.start)
            gap = doc.text[r.cue[1] : q.start]
            if _quiet(gap) and (
                (gap.rstrip().endswith(":") and gap.count("\n") <= 2 and len(gap) < 120)
                or ("\n" not in gap and len(gap) < 40)
            ):
                best = q
        if best is None and before:
            q = max(before, key=lambda x: x.end)
            gap = doc.text[q.end : r.cue[0]]
            if q.end > para.start and "\n" not in gap and len(gap) < 60 and _quiet(gap):
                best = q
        if best is not None:
            out.append(replace(r, content=[(best.start, best.end)], kind="direct_quote"))
    return out


def _quiet(gap: str) -> bool:
    """Whether the text between a cue and a quotation holds no other quotation or sentence."""
    return QUOTE_MARKS.search(gap) is None and not any(m in gap for m in (". ", "? ", "! "))


def _continue_quotes(
    doc: Document, raws: list[RawCandidate], quotes: list[Quote]
) -> list[RawCandidate]:
    """A quotation that opens the sentence or paragraph right after a quoted candidate's
    sentence, with no cue of its own, carries on the same speaker: it joins that candidate's
    content (PolNeAR makes it a second piece of the same attribution)."""
    for q in quotes:
        if q.words(doc.text) < _MIN_QUOTE_WORDS or _covered(q, raws):
            continue
        before = [r for r in raws if r.content and _end(doc, r) <= q.start]
        if not before:
            continue
        last = max(before, key=lambda r: _end(doc, r))
        quoted = any(overlap(p, (x.start, x.end)) for p in last.content for x in quotes)
        gap = doc.text[_end(doc, last) : q.start]
        if quoted and not gap.strip() and "\n" not in gap:
            last.content.append((q.start, q.end))
    return raws


def _join_split_quotes(
    doc: Document, raws: list[RawCandidate], quotes: list[Quote]
) -> list[RawCandidate]:
    """“A,” she said, “B.”: a quotation ending just before a cue whose content is the
    quotation just after it is the first half of the same words."""
    for q in quotes:
        if _covered(q, raws):
            continue
        for r in raws:
            if not r.content or r.cue[0] < q.end or r.content[0][0] < r.cue[1]:
                continue
            between = doc.text[q.end : r.cue[0]]
            near = len(between) < 60 and "\n" not in between
            if near and _quiet(between) and any(x.start == r.content[0][0] for x in quotes):
                r.content.insert(0, (q.start, q.end))
                break
    return raws


def _end(doc: Document, raw: RawCandidate) -> int:
    """Where a candidate's words end: its content or the sentence of its cue, if later."""
    return max(max(e for _, e in raw.content), doc.sentences[raw.sentence].end)
