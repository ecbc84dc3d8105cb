"""A scripted labelling session: the corrections made to four rules-reader predictions, replayed
through the `stance label` page in headless Chromium, so the gold files in evals/gold/test/
can be made again and each correction is on record.

    stance extract A.txt B.txt ... --reader rules -o /tmp/label/x.jsonl
    stance label /tmp/label/x.jsonl --html /tmp/label/label.html
    python tools/label_session.py /tmp/label/label.html --out evals/gold/test

Every action goes through the page as a person's would: text is selected with the mouse
(tests/browser.py's drag_select), keys are pressed, lists chosen from, fields typed into, and
the file is saved by the page's own download (Chromium's download folder), then compared with
what the page says it saved. The corrections were decided by reading each prediction beside
its article; this script only replays them. Per article it prints the seconds the session took
and the page's own count of corrections.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser import CHROMIUM, DRIVER, console_errors, drag_select

Op = tuple[Any, ...]
RETURN = "return of the Oruvai mask"
PAY = "Parcelo's change to courier pay"
PAY_DENIED = "the accusation that Parcelo cut courier pay"
LABELS = "Kornhaus's allergen labelling"
LABELS_DENIED = "the accusation that Kornhaus hid a sesame risk"
LAKE = "taking snowmaking water from Lake Saller"
LAKE_DENIED = "the accusation that the resort drained Lake Saller"

PLANS: dict[str, dict[str, Any]] = {
    "museum-mask-restitution": {
        "covers": ["denial_link", "hedged_accusation", "pronoun_speaker", "direct_speech",
                   "reported_speech"],
        "note": "A restitution request: the council chair's accusation that a survey officer "
        "took a mask without consent is denied by the museum's director; a historian's hedged "
        "accusation; a minister's commitment; one sentence with two claims (wait, warned).",
        "hard_cases": [
            "'The museum rejected the account.' is not a claim: the denial is Weisz's content "
            "('the mask had been bought openly ...'), linked to Tallo's accusation c2.",
            "Tallo's last sentence holds two claims: a commitment to wait and a warning.",
        ],
        "ops": [
            ("del", "the account"),
            ("pick", "to return a carved"),
            ("actor", {"name": "Oruvai council", "kind": "organisation", "role": None,
                       "mentions": ["The elected council of the Oruvai people", "the council"]}),
            ("stance", RETURN, "favor"),
            ("pick", "the mask had been taken"), ("type", "accusation"),
            ("stance", RETURN, "favor"),
            ("actor", {"affiliation": "Oruvai council"}),
            ("pick", "This is not an object"), ("type", "opinion"), ("stance", RETURN, "favor"),
            ("pick", "the mask had been bought"), ("type", "denial"),
            ("link", "the mask had been taken"),
            ("stance", "the claim that the mask was taken without consent", "against"),
            ("actor", {"role": "director", "affiliation": "Brennholt City Museum"}),
            ("pick", "that the museum would publish"), ("type", "commitment"), ("stance", "", ""),
            ("pick", "the receipt might not"), ("hedged", True),
            ("actor", {"role": "historian", "affiliation": "University of Kastel"}),
            ("pick", "some objects listed"), ("type", "accusation"), ("hedged", True),
            ("pick", "that the government would not"), ("type", "commitment"),
            ("stance", RETURN, "favor"),
            ("pick", "The law allows it"), ("stance", RETURN, "favor"),
            ("del", "the council would wait"),
            ("add", "the council would wait for the trustees' meeting in March"),
            ("who", "Miriam Tallo"), ("type", "commitment"),
            ("add", "that it would take the case to the national restitution commission if the "
                    "request was refused"),
            ("who", "Miriam Tallo"), ("type", "warning"), ("stance", RETURN, "favor"),
        ],
    },
    "courier-pay-algorithm": {
        "covers": ["denial_link", "pronoun_speaker", "direct_speech",
                   "reported_speech"],
        "note": "A platform pay dispute: couriers' accusation denied by the company and its "
        "spokeswoman, whose hedged counter-claim rejects the union's figures; a quoted fragment "
        "inside reported speech; an inspector's commitment.",
        "hard_cases": [
            "Feld's 'said Parcelo had \"turned a dial ...\"': the claim is the quoted words, as "
            "for other fragments quoted inside reported speech.",
            "'She said the union's figures appeared to leave out the bonuses' is Lyck's hedged "
            "denial of the union's figures (c2), not the company's in general.",
            "'but did not say whether it would publish the formula' is reporting voice.",
        ],
        "ops": [
            ("pick", "the company of quietly"),
            ("actor", {"kind": "group", "mentions": ["Couriers"]}),
            ("stance", PAY, "against"),
            ("pick", "that average pay"), ("stance", PAY, "against"),
            ("actor", {"mentions": ["Independent Couriers' Union", "The union", "the union"]}),
            ("del", "Parcelo had \"turned"),
            ("add", "turned a dial in a back office and taken a fifth of our wages without "
                    "telling anyone"),
            ("who", "Dario Feld"), ("type", "accusation"), ("stance", PAY, "against"),
            ("actor", {"role": "secretary", "affiliation": "Independent Couriers' Union"}),
            ("pick", "I used to earn"), ("stance", PAY, "against"),
            ("actor", {"role": "courier", "affiliation": "Parcelo"}),
            ("pick", "that it had cut pay"), ("link", "the company of quietly"),
            ("stance", PAY_DENIED, "against"),
            ("actor", {"kind": "organisation", "mentions": ["Parcelo"]}),
            ("pick", "the update only changed"), ("type", "denial"),
            ("link", "the company of quietly"), ("stance", PAY_DENIED, "against"),
            ("actor", {"role": "spokeswoman", "affiliation": "Parcelo"}),
            ("pick", "the union's figures appeared"), ("who", "Hanne Lyck"),
            ("link", "that average pay"), ("stance", PAY_DENIED, "against"),
            ("pick", "Couriers on Parcelo"), ("stance", "", ""),
            ("pick", "his office had"),
            ("actor", {"role": "chief inspector", "affiliation": "regional labour inspectorate"}),
            ("pick", "couriers would hold"), ("stance", PAY, "against"),
            ("del", "it would meet union"),
            ("add", "it would meet union representatives next week"),
            ("who", "Parcelo"), ("type", "commitment"),
        ],
    },
    "bakery-allergen-recall": {
        "covers": ["denial_link", "pronoun_speaker", "direct_speech",
                   "reported_speech"],
        "note": "A food allergy case: parents' and a network's accusations against a bakery "
        "chain, denied by its operations director; a hedged claim by the food agency; a doctor's "
        "urging.",
        "hard_cases": [
            "'A group of parents' is kept apart from the Allergy Parents Network: the text never "
            "says they are the same.",
            "'after a seven-year-old boy was taken to hospital ...' is reporting voice, not part "
            "of the accusation.",
            "'Kornhaus rejected the claim.' is not a claim; Hollweg's two sentences are the "
            "denials, of c4 (shared lines) and of c1 (hiding the risk).",
        ],
        "ops": [
            ("del", "the bakery chain Kornhaus"),
            ("add", "the bakery chain Kornhaus of failing to warn customers that its rye rolls "
                    "could contain sesame"),
            ("who", "Parents"), ("type", "accusation"), ("stance", LABELS, "against"),
            ("actor", {"name": "group of parents", "kind": "group", "role": None,
                       "mentions": ["group of parents"]}),
            ("pick", "The label said nothing"), ("type", "accusation"),
            ("stance", LABELS, "against"),
            ("actor", {"role": "mother of the boy"}),
            ("pick", "Kornhaus had known"), ("stance", LABELS, "against"),
            ("actor", {"kind": "organisation",
                       "mentions": ["Allergy Parents Network", "the network"]}),
            ("del", "the company had \"chosen"),
            ("add", "chosen to save money on cleaning rather than to print one extra word on a "
                    "label"),
            ("who", "Petra Lindqvist"), ("type", "accusation"), ("stance", LABELS, "against"),
            ("actor", {"role": "chairwoman", "affiliation": "Allergy Parents Network"}),
            ("del", "the claim"),
            ("pick", "the chain's rye rolls"), ("type", "denial"), ("link", "Kornhaus had known"),
            ("stance", LABELS_DENIED, "against"),
            ("actor", {"role": "operations director", "affiliation": "Kornhaus"}),
            ("pick", "We take allergies"), ("link", "the bakery chain Kornhaus"),
            ("stance", LABELS_DENIED, "against"),
            ("pick", "Kornhaus would nevertheless"), ("type", "commitment"), ("stance", "", ""),
            ("pick", "traces of sesame"), ("hedged", True),
            ("actor", {"role": "spokesman", "affiliation": "National Food Safety Agency"}),
            ("pick", "to carry two adrenaline"),
            ("actor", {"role": "paediatric allergist", "affiliation": "St. Brigid's Hospital"}),
            ("pick", "the network would ask"), ("type", "commitment"),
        ],
    },
    "ski-resort-snowmaking": {
        "covers": ["denial_link", "pronoun_speaker", "direct_speech",
                   "reported_speech"],
        "note": "An environmental dispute: a group's accusation that a ski resort drains a "
        "protected lake, denied twice by its managing director; a hydrologist's hedged "
        "alternative cause; the mayor's support and commitment (pronoun speaker).",
        "hard_cases": [
            "'An environmental group' and 'The group, Alpine Waters Watch' are one actor.",
            "'The resort denied the accusation.' is not a claim; Aigner's denials are linked to "
            "the group's accusation (c1) and Moser's (c3).",
            "'But he said the municipality would install a water gauge' is the mayor's "
            "commitment: 'he' is Breuer, not the hydrologist quoted before him.",
        ],
        "ops": [
            ("pick", "the Hochfalk ski resort"), ("who", "Alpine Waters Watch"),
            ("stance", LAKE, "against"),
            ("actor", {"kind": "organisation",
                       "mentions": ["Alpine Waters Watch", "environmental group", "The group"]}),
            ("pick", "that satellite images"), ("stance", LAKE, "against"),
            ("pick", "the resort had been taking"), ("type", "accusation"),
            ("stance", LAKE, "against"),
            ("actor", {"role": "campaign director", "affiliation": "Alpine Waters Watch"}),
            ("pick", "They are turning"), ("type", "accusation"), ("stance", LAKE, "against"),
            ("del", "the accusation"),
            ("pick", "all of the water used"), ("type", "denial"),
            ("link", "the Hochfalk ski resort"), ("stance", LAKE_DENIED, "against"),
            ("actor", {"role": "managing director", "affiliation": "Hochfalk ski resort"}),
            ("pick", "Not a single litre"), ("type", "denial"),
            ("link", "the resort had been taking"), ("stance", LAKE_DENIED, "against"),
            ("pick", "the resort would invite"), ("type", "commitment"), ("stance", "", ""),
            ("pick", "the fall in the lake's"), ("hedged", True),
            ("actor", {"role": "hydrologist", "affiliation": "Institute for Mountain Research"}),
            ("pick", "A dry autumn"), ("type", "assertion"), ("hedged", True), ("stance", "", ""),
            ("del", "much of the drop, she said"),
            ("add", "only measurements at the outflow would show for certain"),
            ("who", "Sabine Koller"),
            ("pick", "the resort was the village"), ("type", "opinion"),
            ("stance", "the Hochfalk ski resort", "favor"),
            ("actor", {"name": "Anton Breuer", "role": "mayor", "affiliation": "Hochfalk",
                       "mentions": ["Anton Breuer"]}),
            ("pick", "the municipality would"), ("who", "Anton Breuer"), ("type", "commitment"),
            ("del", "Alpine Waters Watch would file"),
            ("add", "Alpine Waters Watch would file a complaint with the regional environment "
                    "office"),
            ("who", "Greta Moser"), ("type", "commitment"),
            ("add", "that the resort stop all snowmaking until the matter was cleared up"),
            ("who", "Greta Moser"), ("type", "demand"), ("stance", LAKE, "against"),
        ],
    },
}  # fmt: skip


class Session:
    """One browser on the page; each method is one thing a labeller does."""

    def __init__(self, driver: Any, page: Path) -> None:
        self.driver = driver
        self.page = page

    def find(self, css: str) -> Any:
        return self.driver.find_element("css selector", css)

    def press(self, keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(self.driver).send_keys(keys).perform()

    def focus_page(self) -> None:
        self.find("#title").click()

    def claim_id(self, prefix: str) -> str:
        rows = self.driver.execute_script(
            "return [...document.querySelectorAll('#claims li')].map(li => "
            "[li.dataset.claim, li.querySelector('.quote').textContent.slice(1, -1)])"
        )
        found = [cid for cid, quote in rows if quote.startswith(prefix)]
        if len(found) != 1:
            raise SystemExit(f"{len(found)} claims start with {prefix!r}: {rows}")
        return str(found[0])

    def pick(self, prefix: str) -> None:
        self.find(f'#claims li[data-claim="{self.claim_id(prefix)}"]').click()

    def choose(self, select_id: str, text: str) -> bool:
        from selenium.webdriver.support.ui import Select

        select = Select(self.find(f"#{select_id}"))
        if text not in [o.text for o in select.options]:
            return False
        if select.first_selected_option.text == text:
            return True  # already so: nothing to correct
        select.select_by_visible_text(text)
        self.focus_page()
        return True

    def type_into(self, field_id: str, value: str) -> None:
        from selenium.webdriver.common.keys import Keys

        field = self.find(f"#{field_id}")
        if field.get_attribute("value") == value:
            return  # already so: nothing to correct
        field.send_keys(Keys.CONTROL, "a")
        field.send_keys(Keys.DELETE)
        if value:
            field.send_keys(value)
        self.focus_page()  # leaving the field commits it (its change event)

    def run(self, op: Op, text: str) -> None:
        kind, *args = op
        if kind == "pick":
            self.pick(args[0])
        elif kind == "del":
            self.pick(args[0])
            self.focus_page()
            self.press("d")
        elif kind == "add":
            start = text.index(args[0])
            drag_select(self.driver, "text", start, start + len(args[0]))
            self.press("a")
            status = self.find("#status").text
            if not status.startswith("added") or f"({start}–{start + len(args[0])})" not in status:
                raise SystemExit(f"add {args[0]!r}: {status}")
        elif kind == "who":
            if not self.choose("ed-speaker", args[0]):
                self.type_into("ed-new-actor", args[0])
                self.find("#ed-add-actor").click()
        elif kind == "type":
            self.choose("ed-type", args[0])
        elif kind == "hedged":
            if self.find("#ed-hedged").is_selected() != args[0]:
                self.find("#ed-hedged").click()
        elif kind == "stance":
            self.type_into("ed-target", args[0])
            self.choose("ed-polarity", args[1] or "no stance")
        elif kind == "link":
            self.focus_page()
            self.press("l")
            self.find(f'#claims li[data-claim="{self.claim_id(args[0])}"]').click()
        elif kind == "actor":
            for name, value in args[0].items():
                if name == "kind":
                    self.choose("ed-kind", value)
                elif name == "mentions":
                    self.type_into("ed-mentions", "\n".join(value))
                else:
                    self.type_into(f"ed-{name}", value or "")
        else:
            raise SystemExit(f"unknown action {kind}")

    def label(self, article_id: str, plan: dict[str, Any], downloads: Path) -> dict[str, Any]:
        started = time.perf_counter()
        self.driver.get(f"{self.page.resolve().as_uri()}#{article_id}")
        self.driver.refresh()  # the hash alone does not reopen the page
        text = self.driver.execute_script(
            "return JSON.parse(document.getElementById('stance-data').textContent)"
            ".articles.find(a => a.id === arguments[0]).text",
            article_id,
        )
        for op in plan["ops"]:
            self.run(op, text)
        self.type_into("note", plan["note"])
        self.type_into("hard-cases", "\n".join(plan["hard_cases"]))
        for tag in plan["covers"]:
            self.find(f'#covers input[value="{tag}"]').click()
        self.focus_page()
        self.press("s")
        saved = self.driver.execute_script("return window.__lastSave")
        target = downloads / f"{article_id}.gold.json"
        for _ in range(100):
            if target.exists() and target.read_text(encoding="utf-8") == saved["json"]:
                break
            time.sleep(0.05)
        else:
            raise SystemExit(f"{article_id}: the download did not arrive in {downloads}")
        seconds = time.perf_counter() - started
        key = self.driver.execute_script(
            "return Object.keys(localStorage).find(k => k.startsWith("
            "'stance-label:' + arguments[0] + ':'))",
            article_id,
        )
        kept = self.driver.execute_script("return localStorage.getItem(arguments[0])", key)
        return {
            "seconds": round(seconds, 1),
            "corrections": json.loads(kept)["corrections"],
            "actions": len(plan["ops"]),
            "claims": len(json.loads(saved["json"])["claims"]),
        }


def browser(downloads: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM and DRIVER):
        raise SystemExit("needs Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="the page stance label wrote")
    parser.add_argument("--out", type=Path, required=True, help="where the gold files go")
    parser.add_argument("--only", action="append", help="label only this article")
    args = parser.parse_args()
    downloads = Path(tempfile.mkdtemp(prefix="stance-label-"))
    driver = browser(downloads)
    try:
        driver.get(args.page.resolve().as_uri())
        driver.execute_script("localStorage.clear()")  # start from the predictions
        session = Session(driver, args.page)
        for article_id, plan in PLANS.items():
            if args.only and article_id not in args.only:
                continue
            result = session.label(article_id, plan, downloads)
            shutil.copyfile(downloads / f"{article_id}.gold.json",
                            args.out / f"{article_id}.gold.json")  # fmt: skip
            print(json.dumps({"article": article_id, **result}))
        errors = console_errors(driver.get_log("browser"))
        if errors:
            print("console errors:", *errors, sep="\n")
            return 1
    finally:
        driver.quit()
        shutil.rmtree(downloads, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
