"""Terminal views of output records: per-actor tables, and one line per claim for grep.

Article text and model output are shown as rich Text, never as markup, so a bracket in a
quote cannot restyle (or hide) what the article says.
"""

from __future__ import annotations

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from stance.schema import (
    ActorView,
    AlignmentStatus,
    Attribution,
    Claim,
    ErrorRecord,
    Extraction,
    OutputRecord,
)

__all__ = [
    "QUOTE_LIMIT",
    "claim_lines",
    "error_line",
    "extraction_view",
    "header",
    "render_record",
    "truncate",
]

QUOTE_LIMIT = 240


def truncate(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Shorten at a word boundary with an ellipsis; whitespace runs become one space."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[: cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"


def header(extraction: Extraction) -> Text:
    """Article id and title, then what produced the record: model and prompt version."""
    prov = extraction.provenance
    title = Text(extraction.article_id, style="bold")
    if extraction.title:
        title.append(f" — {extraction.title}")
    prompt = prov.prompt
    n = len(extraction.claims)
    line = (
        f"model {prov.model} · prompt {prompt.name}@{prompt.version} ({prompt.hash[:12]}) · "
        f"{n} claim{'' if n == 1 else 's'} from {extraction.segments} paragraphs"
    )
    return Text.assemble(title, "\n", (line, "dim"))


def _quote_cell(claim: Claim) -> Text:
    cell = Text(f"“{truncate(claim.quote)}”")
    if claim.alignment is not AlignmentStatus.EXACT:
        cell.append(f" [{claim.alignment.value} {claim.alignment_score:.0f}]", style="yellow")
    return cell


def _claims_table(view: ActorView) -> Table:
    """Hedged and link columns appear only when some claim fills them."""
    hedged = any(c.hedged for c in view.claims)
    linked = any(c.denies for c in view.claims)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1, 0, 2))
    table.add_column("id", style="bold", no_wrap=True)
    table.add_column("type", no_wrap=True)
    table.add_column("attribution", no_wrap=True)
    if hedged:
        table.add_column("hedged", no_wrap=True)
    table.add_column("quote", overflow="fold")
    if linked:
        table.add_column("link", no_wrap=True)
    for claim in view.claims:
        row: list[RenderableType] = [
            claim.id,
            claim.type.value,
            "direct" if claim.attribution is Attribution.DIRECT else "reported",
        ]
        if hedged:
            row.append("~ hedged" if claim.hedged else "")
        row.append(_quote_cell(claim))
        if linked:
            row.append(f"denies {claim.denies}" if claim.denies else "")
        table.add_row(*row)
    return table


def _actor_block(view: ActorView) -> RenderableType:
    actor = view.actor
    title = Text(actor.name, style="bold cyan")
    details = [actor.kind.value, *(x for x in (actor.role, actor.affiliation) if x)]
    title.append(f" ({', '.join(details)})", style="cyan")
    parts: list[RenderableType] = [title]
    if view.claims:
        parts.append(_claims_table(view))
    for stance in view.stances:
        evidence = ", ".join(stance.evidence)
        parts.append(Text(f"  stance: {stance.polarity.value} {stance.target} ({evidence})"))
    return Group(*parts)


def extraction_view(extraction: Extraction) -> RenderableType:
    """Header, one block per actor, then rejected items and unreadable paragraphs."""
    parts: list[RenderableType] = [header(extraction)]
    views = extraction.by_actor()
    for view in views:
        parts.extend([Text(""), _actor_block(view)])
    if not views:
        parts.append(Text("no attributed claims found", style="dim"))
    if extraction.rejected:
        parts.append(Text("\nRejected (kept out of the claims):", style="bold yellow"))
        for item in extraction.rejected:
            line = Text(f"  {item.speaker}: “{truncate(item.quote)}” — ")
            line.append(item.reason, style="yellow")
            parts.append(line)
    for error in extraction.errors:
        parts.append(Text(f"paragraph {error.segment} not read: {error.message}", style="red"))
    return Group(*parts)


def error_line(error: ErrorRecord) -> str:
    """A failed article in one plain line: id, where from, what kind of failure, why."""
    source = f" ({error.source})" if error.source and error.source not in error.message else ""
    return f"{error.article_id}{source}: {error.error_type} error: {error.message}"


def render_record(record: OutputRecord, console: Console) -> None:
    """Print one record: per-actor tables for an extraction, a red line for an error."""
    if isinstance(record, ErrorRecord):
        console.print(Text(error_line(record), style="red"))
    else:
        console.print(extraction_view(record))
    console.print()


def claim_lines(record: OutputRecord) -> list[str]:
    """One grep-friendly line per claim (and per rejected item, and for an error)."""
    if isinstance(record, ErrorRecord):
        return [f"{record.article_id}\tERROR\t{record.error_type}\t{record.message}"]
    names = {actor.id: actor.name for actor in record.actors}
    lines = []
    for claim in record.claims:
        marks = [claim.type.value, claim.attribution.value]
        marks += ["hedged"] if claim.hedged else []
        marks += [f"denies {claim.denies}"] if claim.denies else []
        name = names.get(claim.claimer, claim.claimer)
        quote = truncate(claim.quote)
        lines.append(f"{record.article_id}\t{claim.id}\t{name}\t{', '.join(marks)}\t“{quote}”")
    for item in record.rejected:
        quote = truncate(item.quote)
        lines.append(f"{record.article_id}\trejected\t{item.speaker}\t{item.reason}\t“{quote}”")
    for error in record.errors:
        lines.append(f"{record.article_id}\tparagraph {error.segment}\tnot read\t{error.message}")
    return lines or [f"{record.article_id}\t-\tno attributed claims"]
