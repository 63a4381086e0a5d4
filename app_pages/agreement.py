"""Does it agree with experts? Precomputed agreement with HealthNewsReview.org's ratings."""

import json
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from srcgrade.evaluate import HNR_LABELS, in_sample_note, report_tables
from srcgrade.ui.charts import SERIES, Bars, grouped_bars
from srcgrade.ui.session import apply_weights, chart, context, md

DOCS = Path(__file__).resolve().parents[1] / "docs"
REPORT = DOCS / "agreement.json"
FITTED_REPORT = DOCS / "agreement-fitted.json"
CORE_REPORT = DOCS / "agreement-core.json"
FITTED_PRESET = "health-news-review-fitted"


@st.cache_data
def load_report(path: str, modified: float) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read(path: Path) -> dict | None:
    return load_report(str(path), path.stat().st_mtime) if path.is_file() else None


# One colour per series on both charts: srcgrade (blue), its cross-validated total (light blue),
# article length (orange).
SRCGRADE, CROSS_VALIDATED, LENGTH = SERIES[0], SERIES[5], SERIES[1]


def figure(value: float | None) -> str:
    """A figure for a table cell; a dash where there is none (rather than "None")."""
    return "\u2013" if value is None or pd.isna(value) else f"{value:.3f}"


def interval(lows: pd.Series, highs: pd.Series) -> list[str]:
    """Bootstrap intervals as "0.42 to 0.53" cells (a dash where the report has none)."""
    return [
        "\u2013" if pd.isna(low) or pd.isna(high) else f"{low:.2f} to {high:.2f}"
        for low, high in zip(lows, highs, strict=True)
    ]


def shared_answer_note(criteria: pd.DataFrame) -> None:
    """Says why two criteria stand against one expert answer: the releases' reviews have no
    question on independent sources, so that criterion is checked against the nearest one
    (funders and conflicts); a class reading the table would otherwise take it for a mistake."""
    judged = criteria[criteria["hnr"].notna() & (criteria["hnr"] != "")]
    shared = {
        (answer, tuple(dict.fromkeys(group["label"])))
        for (_, answer), group in judged.groupby(["file", "hnr"], sort=False)
    }
    for answer, labels in sorted(shared):
        if len(labels) > 1:
            names = " and ".join(f"**{label}**" for label in labels)
            st.caption(
                f"{names} are both checked against the experts' answer *{answer}*: the press "
                "release reviews have no question of their own for each, so both use the nearest "
                "one (for news stories, HealthNewsReview asks about independent sources and "
                "conflicts of interest in one question)."
            )


def hnr_label(key: str) -> str:
    """A HealthNewsReview criterion in words; an unknown key made readable rather than raw."""
    return HNR_LABELS.get(key, key.replace("_", " ").capitalize())


def fitted_presets(report: dict) -> set[str]:
    """The presets the report's default weights are (fitted on one of its files), if any."""
    return {d["weights_fitted_here"]["preset"] for d in report["datasets"]
            if d.get("weights_fitted_here")}


def weights_used(report: dict) -> str:
    """Which weights made the figures, in the same words as the in-sample note below."""
    if report.get("weights_file"):
        return f"the weights in {report['weights_file']}"
    presets = fitted_presets(report)
    fitted = f" (they are the preset `{', '.join(sorted(presets))}`)" if presets else ""
    return f"the rubric's own default weights{fitted}, not the sidebar's"


def glosses(draws: int) -> str:
    """One plain line per measure on this page, for students who have not met them."""
    return (
        "**How to read the figures**\n"
        "- **Spearman rho** (from -1 to 1): put the texts in order by srcgrade's total, and again "
        "by the experts' stars; rho says how alike the two orders are. 1 is the same order, 0 no "
        "link at all, -1 the exact reverse.\n"
        "- **AUC** (from 0 to 1): take at random one text the experts rated well and one they did "
        "not; the AUC is how often srcgrade gives the well-rated one the higher score. 0.5 is a "
        "coin toss, 1 always right. (\"AUC, stars >= 3\": rated well means 3 stars or more.)\n"
        f"- **95% interval (bootstrap)**: the figure worked out again on {draws} random re-draws "
        "of the same texts; 95% of the results fall in this range. A wide range means other "
        "texts could easily have given quite a different figure.\n"
        "- **In-sample or cross-validated**: weights fitted on the very texts they are then "
        "tested on (in-sample) are like marking your own homework, and flatter the result. "
        "Cross-validated weights are fitted on some of the texts and tested only on the others: "
        "the fairer figure."
    )


def readable(text: str, labels: dict[str, str]) -> str:
    """A preset's description with criterion ids (``numeric_accuracy``) named in words."""
    for cid, name in labels.items():
        if "_" in cid:  # only ids that cannot be ordinary words ("hype", "costs")
            text = re.sub(rf"\b{re.escape(cid)}\b", name, text)
    return text


def with_report_figures(description: str, preset_name: str, report: dict | None) -> str:
    """A fitted preset's description with its in-sample rho as the report measured it.

    fit-weights writes the rho of the weights it fitted; the preset keeps them rounded to three
    decimals, and the report, scored with the preset as saved, can differ in the third decimal
    (0.477 in the description, 0.476 in the table). The page gives one figure, the report's,
    rounded as the table rounds it."""
    for data in (report or {}).get("datasets", []):
        fitted = data.get("weights_fitted_here") or {}
        rho = data.get("total", {}).get("spearman")
        if fitted.get("preset") == preset_name and rho is not None:
            return re.sub(r"(in-sample )\d+\.\d+", rf"\g<1>{figure(rho)}", description)
    return description


def criteria_table(criteria: pd.DataFrame) -> None:
    """Each criterion's AUC beside length's, as a static table whose cells wrap: as an
    interactive one at 1280 px its last two columns (the interval and length's AUC, the figure
    to compare with) were out of sight. The file is named above it when there is only one."""
    columns = {"file": "file", "label": "criterion", "hnr": "HNR criterion",
               "n": "releases judged", "auc": "AUC", "interval": "95% interval",
               "length_auc": "length AUC"}
    files = criteria["file"].unique()
    if len(files) == 1:
        st.caption(f"All from {md(files[0])}.")
        del columns["file"]
    st.table(criteria[list(columns)].rename(columns=columns).astype(str).map(md),
             hide_index=True, border="horizontal",
             alt="Table of each criterion's AUC against the HealthNewsReview verdict.")


def beside(core_rho: float, main_rho: float | None, report: dict,
           cross_validated: float | None = None) -> str:
    """The core rubric's rho said against the main report's on the same file: it is below it on
    the stories and above it on the releases, so one "agrees less" was wrong for one file. Where
    the main figure is in-sample, the cross-validated one is compared: the page tells readers to
    quote it, and the core rubric's weights were not fitted to the file."""
    if cross_validated is not None and not pd.isna(cross_validated):
        main_rho, kind = cross_validated, " (cross-validated)"
    else:
        kind = ""
    if main_rho is None or pd.isna(main_rho):
        return ""
    if figure(core_rho) == figure(main_rho):
        where = "level with"
    else:
        where = "below" if core_rho < main_rho else "above"
    return f", {where} `{report['rubric']}`'s {figure(main_rho)}{kind}"


def holds(weights: dict[str, float], preset: dict[str, float]) -> bool:
    """Whether the sliders already hold the preset's weights (to the sliders' 0.01)."""
    return all(abs(weights.get(c, 0.0) - w) < 0.005 for c, w in preset.items())


ctx = context()
st.title("Does it agree with experts?")
st.markdown(
    "From 2006 to 2018, HealthNewsReview.org's reviewers rated health news stories and press "
    "releases on ten criteria (are benefits quantified, harms and costs mentioned, the evidence "
    "characterised, independent sources quoted...) and gave 0-5 stars. Here srcgrade's scores for "
    "the same texts are set beside those ratings, and beside the simplest rival: the article's "
    "length."
)

report = read(REPORT)
if report is None:
    st.info(f"No figures yet: run `srcgrade evaluate ... --format json -o docs/{REPORT.name}`.")
    st.stop()

summary, criteria = report_tables(report)
# The report's criteria are named by the rubric it was made with, whichever one the sidebar shows.
report_rubric = ctx.ratings.rubrics.get(report["rubric"], ctx.rubric)
labels = {c: criterion.label for c, criterion in report_rubric.criteria.items()}
st.caption(
    f"Figures from `{report['command']}` ({report['date']}, rubric `{report['rubric']}`, "
    f"{weights_used(report)}, {report['bootstrap_draws']} bootstrap draws), saved in "
    f"docs/{REPORT.name}. Moving the sliders does not change the figures on this page. "
    "The texts and ratings themselves (FakeHealth, Dai et al. 2020; research use only) are not "
    "shipped with srcgrade. See docs/validity.md."
)
st.markdown(glosses(report["bootstrap_draws"]))

st.subheader("The total against the experts' stars")
rho = summary[summary["measure"] == "Spearman rho with stars"]
rho_series = [Bars("srcgrade total", rho["rubric"], SRCGRADE, rho["ci95_low"], rho["ci95_high"])]
if rho["cross_validated"].notna().any():
    rho_series.append(Bars("srcgrade total, weights fitted without the text (cross-validated)",
                           rho["cross_validated"], CROSS_VALIDATED))
rho_series.append(Bars("article length alone", rho["length"], LENGTH))
chart(grouped_bars(rho["file"], rho_series, "Spearman rho with stars"),
      alt="Bar chart: Spearman correlation of the srcgrade total and of article length with the "
          "experts' stars, per file, with 95% bootstrap intervals: "
      + "; ".join(f"{r.file} srcgrade {figure(r.rubric)}, length {figure(r.length)}"
                  for r in rho.itertuples()),
      key="agreement_rho")
for data in report["datasets"]:
    if note := in_sample_note(data):
        st.info(note, icon=":material/info:")
shown = pd.DataFrame({
    "file": summary["file"],
    "measure": summary["measure"],
    "n": summary["n"],
    "srcgrade": summary["rubric"].map(figure),
    "95% interval": interval(summary["ci95_low"], summary["ci95_high"]),
    "cross-validated": summary["cross_validated"].map(figure),
    "length alone": summary["length"].map(figure),
})
if not summary["cross_validated"].notna().any():
    shown = shown.drop(columns="cross-validated")
st.dataframe(shown, hide_index=True, width="stretch",
             alt="Table of agreement measures for the srcgrade total and for article length.")

core = read(CORE_REPORT)
if core is not None:
    core_rho = report_tables(core)[0].query("measure == 'Spearman rho with stars'")
    main_rho = dict(zip(rho["file"], rho["rubric"], strict=True))
    main_cv = dict(zip(rho["file"], rho["cross_validated"], strict=True))
    figures = "; ".join(
        f"{row.file}: rho {figure(row.rubric)}"
        f"{beside(row.rubric, main_rho.get(row.file), report, main_cv.get(row.file))} "
        f"(length alone {figure(row.length)})"
        for row in core_rho.itertuples()
    )
    st.warning(
        f"**The `core` rubric** (the four criteria the dashboard opens with), beside these "
        f"experts: {figures} (docs/{CORE_REPORT.name}). It measures four things a reader "
        "can check in the text (sources, hedging, hype, numbers); HealthNewsReview judged whole "
        "stories on ten criteria. Read its totals as a guide to those four things, not as a "
        "verdict on an article."
    )

if not criteria.empty:
    st.subheader("Each criterion against the experts' verdict on it")
    st.markdown(
        "For press releases the reviewers' answer on each criterion is known (Satisfactory or "
        "not). "
        "The AUC is the chance that a release the experts found satisfactory scores higher on the "
        "matching srcgrade criterion than one they did not: 0.5 (the dotted line) is a coin toss, "
        "1.0 perfect. "
        "The whiskers are 95% bootstrap intervals: with a few hundred releases, differences of "
        "a few hundredths are within chance."
    )
    criteria = criteria.assign(label=criteria["criterion"].map(lambda c: labels.get(c, c)))
    has_interval = criteria["auc_ci95_low"].notna().any()
    auc_series = [
        Bars("srcgrade criterion", criteria["auc"], SRCGRADE,
             *((criteria["auc_ci95_low"], criteria["auc_ci95_high"]) if has_interval else ())),
        Bars("article length alone", criteria["length_auc"], LENGTH),
    ]
    chart(grouped_bars(criteria["label"], auc_series, "AUC", reference=0.5, height=440),
          alt="Bar chart: AUC of each criterion against the experts' Satisfactory answers, "
              "beside article length: "
          + "; ".join(f"{r.label} {figure(r.auc)}" for r in criteria.itertuples()),
          key="agreement_auc")
    criteria = criteria.assign(
        auc=criteria["auc"].map(figure),
        interval=interval(criteria["auc_ci95_low"], criteria["auc_ci95_high"]),
        length_auc=criteria["length_auc"].map(figure),
        hnr=criteria["hnr"].map(hnr_label),
    )
    criteria_table(criteria)
    shared_answer_note(criteria)

st.subheader("Weights fitted to the experts, beside yours")
preset = ctx.ratings.presets.get(FITTED_PRESET)
if preset is None:
    st.info("No fitted weight preset in ratings/weights/ (run `srcgrade fit-weights`).")
else:
    # The description already says what a weight of 0.01 means: not repeated after it. It
    # begins by saying what the weights are, so the lead-in is a sentence of its own ("...
    # agree best with the stars: Non-negative weights maximising..." said it twice).
    st.markdown(
        "`srcgrade fit-weights` fitted these weights to the experts' stars. "
        + md(readable(with_report_figures(preset.description, FITTED_PRESET, report), labels))
    )
    if preset.rubric and preset.rubric != ctx.rubric.id:
        st.caption(
            f"These weights are for the rubric `{preset.rubric}`; you are viewing "
            f"`{ctx.rubric.id}`. Choose that rubric in the sidebar to compare them with yours."
        )
    comparable = preset.fits(ctx.rubric)
    names = list(dict.fromkeys([*preset.weights, *(ctx.criteria if comparable else [])]))
    table = pd.DataFrame({
        "criterion": [labels.get(c, c) for c in names],
        "fitted weight": [figure(preset.weights.get(c)) for c in names],
    })
    if comparable:
        table["your weight"] = [figure(ctx.weights.get(c)) for c in names]
    # Static, so every criterion is in view: an interactive table showed 10 of the 16 and
    # hid the rest behind its own scroll bar.
    st.table(table.map(md), hide_index=True, border="horizontal",
             alt="Fitted weights beside the weights currently chosen on the sliders.")
    if comparable:
        # Pressing it when the sliders hold these weights already (they are the rubric's
        # defaults) did nothing, with no word why.
        already = holds(ctx.weights, preset.weights)
        st.button("Use the fitted weights", on_click=apply_weights,
                  args=(ctx, dict(preset.weights)), disabled=already,
                  help="The sliders hold these weights already." if already else None)
        if already:
            st.caption("The sliders hold these weights already (your weight = fitted weight), "
                       "so the button has nothing to change: move a slider to compare.")
    fitted = read(FITTED_REPORT)
    if fitted is not None:
        fitted_summary, _ = report_tables(fitted)
        rows = fitted_summary[fitted_summary["measure"] == "Spearman rho with stars"]
        # When the report's own weights are this preset, its figures are the headline ones:
        # said so, rather than shown as if they were another result.
        same = FITTED_PRESET in fitted_presets(report)
        st.caption(
            ("These fitted weights are the ones behind the figures at the top of the page, so "
             "the figures are the same there: " if same else "With the fitted weights: ")
            + "; ".join(f"{r.file} rho {figure(r.rubric)}" for r in rows.itertuples())
            + f" (docs/{FITTED_REPORT.name}). The stories figure is in-sample: the weights were "
            "fitted on that file; the cross-validated figure above is the honest one."
        )

st.subheader("What these figures do and do not show")
st.markdown(
    "- **Experts themselves agree only moderately.** Judging the same health information with "
    "DISCERN, experts reached a weighted kappa of 0.53, lay readers 0.23 (Charnock et al. 1999). "
    "No automatic rater should be expected to agree with one reviewer more than reviewers agree "
    "with each other.\n"
    "- **A correlation is not a verdict on one article.** A rho of 0.3-0.4 means srcgrade's "
    "ranking leans the same way as the experts' across hundreds of texts; for any single article "
    "it can be wrong, which is why every score shows the words that produced it.\n"
    "- **srcgrade checks what is on the page, not whether it is true.** It sees that harms are "
    "mentioned, not whether they are described correctly; the experts judged both.\n"
    "- **One source of labels.** All figures come from HealthNewsReview's reviewers on US health "
    "news of 2006-2018; other genres and other times may differ."
)
