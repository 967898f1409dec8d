"""Detection on the scene conditions of issue 19 (held-back hall photos and what a service hall has),
each rendered from the generator with a fixed seed: the corners within 1% of the diagonal and trusted,
or, for the one condition it still gets wrong, not trusted (so the whole frame is kept and marked)."""

from __future__ import annotations

import numpy as np
import pytest

from devices.scan.detect import Detection, detect_document
from devices.scan.geometry import corner_error
from devices.sim.docscene import CONDITIONS, Scene, render_scene

MID = (1632, 1224)


def _scene(seed: int, condition: str) -> tuple[Scene, Detection]:
    scene = render_scene(seed, size=MID, condition=condition)
    assert scene.condition == condition
    return scene, detect_document(scene.image)


def _assert_found_and_trusted(scene: Scene, detection: Detection) -> None:
    assert detection.quad is not None, f"{scene.condition}/{scene.kind}: {detection.problem}"
    error = corner_error(detection.quad, scene.corners)
    assert error < 0.01, f"{scene.condition}/{scene.kind}: corner error {error:.4f} of the diagonal"
    assert detection.confident, f"{scene.condition}/{scene.kind}: right but not trusted, cues {detection.cues}"


def test_white_page_on_a_near_white_desk() -> None:
    _assert_found_and_trusted(*_scene(31000, "light_desk"))


def test_hard_edged_shadow_across_the_page_and_its_edge() -> None:
    scene, detection = _scene(31002, "hard_shadow")
    _assert_found_and_trusted(scene, detection)


def test_a4_page_lying_in_landscape_filling_the_frame() -> None:
    scene, detection = _scene(31002, "landscape")
    assert scene.kind == "a4_text"
    width = float(np.ptp(scene.corners[:, 0]))
    assert width > 0.6 * MID[0]  # lying across, and large
    _assert_found_and_trusted(scene, detection)


def test_landscape_form() -> None:
    scene, detection = _scene(31000, "landscape")
    assert scene.kind == "landscape_form"
    _assert_found_and_trusted(scene, detection)


def test_page_in_a_glossy_plastic_sleeve() -> None:
    _assert_found_and_trusted(*_scene(31002, "sleeve"))


def _full_scene(seed: int, condition: str) -> tuple[Scene, Detection]:
    """At the camera's full 8 MP: the coarse search works on a 5x smaller copy there, where the cases
    below went wrong (at the tests' usual 1632x1224 they did not)."""
    scene = render_scene(seed, condition=condition)
    assert scene.condition == condition
    return scene, detect_document(scene.image)


def test_page_in_a_sleeve_whose_welded_edge_was_taken_for_a_side_is_cut_at_the_page() -> None:
    """One side of the outline once ran along the sleeve's welded edge, a few mm outside the page,
    and the outline was trusted (a wrong crop without a warning)."""
    _assert_found_and_trusted(*_full_scene(1149, "sleeve"))


def test_colour_form_in_a_sleeve_with_glare_across_its_header_band_keeps_the_band() -> None:
    """A glare stripe across a header band printed to the paper's edge made the band look uneven, and
    the page came out without its band, trusted."""
    scene, detection = _full_scene(1089, "sleeve")
    assert scene.kind == "colour_form"
    _assert_found_and_trusted(scene, detection)


@pytest.mark.parametrize(("seed", "condition"), [(1206, "light_desk"), (1115, "colour_form")])
def test_bare_page_on_a_light_desk_is_not_taken_for_a_page_in_a_sleeve(seed: int, condition: str) -> None:
    """A white margin on a near-white desk looks like a sleeve's hazed band; a page's margin is paper, a
    step brighter than the desk, a sleeve's band is the desk's own colour."""
    _assert_found_and_trusted(*_full_scene(seed, condition))


def test_second_sheet_under_the_page() -> None:
    _assert_found_and_trusted(*_scene(31001, "under_sheet"))


def test_second_sheet_under_the_page_where_the_top_edge_is_faint_is_found_and_not_trusted() -> None:
    """White on white: the top sheet's edge over the sheet under it is a faint shade. The outline found ran
    along the other sheet's side past the page's corners (8.6 % off); cut back where the edges begin
    (``detect_overhang.py``) it is the page, and still not trusted: the faint side steps too little."""
    scene, detection = _scene(31000, "under_sheet")
    assert detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert not detection.confident


def test_colour_printed_form() -> None:
    _assert_found_and_trusted(*_scene(31000, "colour_form"))


def test_colour_form_with_a_band_printed_to_the_edge_is_not_cut_at_the_band() -> None:
    """A header band printed to the paper's edge once gave the page without its band, trusted."""
    scene, detection = _scene(20003, "colour_form")
    _assert_found_and_trusted(scene, detection)


@pytest.mark.parametrize("seed", [10295, 10571, 10667])
def test_colour_form_with_bands_at_both_ends_keeps_both_on_a_tilted_view(seed: int) -> None:
    """Bands printed to both short edges, the camera tilted a little: the outline without one band was
    nearer A4's proportions than the whole page, so that band was left off, and the fragment trusted. The
    band goes on the page when the desk round the other sides resumes beyond it (tuning seeds 10000-10959)."""
    _assert_found_and_trusted(*_full_scene(seed, "colour_form"))


def test_every_condition_has_a_test_here() -> None:
    names = {name for name in globals() if name.startswith("test_")}
    words = {"light_desk": "near_white", "hard_shadow": "shadow", "landscape": "landscape", "sleeve": "sleeve",
             "under_sheet": "second_sheet", "colour_form": "colour"}
    assert set(words) == set(CONDITIONS)
    for condition, word in words.items():
        assert any(word in name for name in names), condition


@pytest.mark.parametrize(("seed", "condition"), [(1015, "hard_shadow"), (1042, "under_sheet"),
                                                  (1198, "under_sheet"), (1101, "sleeve")])
def test_a_scene_still_missed_is_not_trusted(seed: int, condition: str) -> None:
    """Scenes of the tuning seeds the detector still gets wrong at 8 MP (a card split by the camera arm's
    shadow, a page on a second sheet, a certificate in a sleeve): right, or not trusted, never a wrong
    crop without a warning."""
    scene, detection = _full_scene(seed, condition)
    right = detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert right or not detection.confident, f"{condition}/{scene.kind}: wrong and trusted, cues {detection.cues}"


@pytest.mark.parametrize(("seed", "condition"), [(3070, "under_sheet"), (3214, "under_sheet")])
def test_a_sticky_note_half_under_the_pages_is_not_taken_for_the_document(seed: int, condition: str) -> None:
    """The two sheets were not found; the part of a sticky note they left showing, a wedge with one side
    far shorter than its opposite, was returned as the document and trusted (a 2% crop of the desk)."""
    scene, detection = _full_scene(seed, condition)
    right = detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert right or not detection.confident, f"{condition}/{scene.kind}: wrong and trusted, cues {detection.cues}"
    if detection.quad is not None:
        q = np.asarray(detection.quad, dtype=np.float64)
        sides = np.linalg.norm(np.roll(q, -1, axis=0) - q, axis=1)
        assert min(sides[0], sides[2]) >= 0.75 * max(sides[0], sides[2])
        assert min(sides[1], sides[3]) >= 0.75 * max(sides[1], sides[3])


def test_an_id_card_in_a_sleeve_whitened_by_glare_is_not_trusted_at_the_sleeve() -> None:
    """A sleeve band was found inside two sides of the outline, but moving the second in was refused
    (only the sides whose band glare had not whitened could move, and alone they made the card too
    narrow): the outline is still the sleeve's on a side, and it was trusted, a crop 10% too large."""
    scene, detection = _full_scene(3069, "sleeve")
    assert scene.kind == "id_front"
    right = detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert right or not detection.confident, f"sleeve/id_front: wrong and trusted, cues {detection.cues}"


def test_an_id_card_in_a_sleeve_is_cut_at_the_card_when_its_own_outline_is_clear() -> None:
    """The sleeve's outline and the card's, well supported, lay one inside the other: a card has no printed
    frame of most of its size, so the inner one is the card (it was the sleeve's, 5% too large, trusted).
    It is not trusted now: past one corner the line of a side runs on through the sleeve's band with a step
    in the same ratio as across the card's edge, which the shadow test below takes for a shadow's edge."""
    scene, detection = _full_scene(3105, "sleeve")
    assert detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01


@pytest.mark.parametrize("seed", [90081, 90177])
def test_an_id_card_in_a_sleeve_whose_own_outline_is_faint_is_not_trusted(seed: int) -> None:
    """The card's own outline was found, but faint; the sleeve's around it, clear, was trusted."""
    scene, detection = _full_scene(seed, "sleeve")
    assert scene.kind == "id_front"
    right = detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert right or not detection.confident, f"sleeve/id_front: wrong and trusted, cues {detection.cues}"


@pytest.mark.parametrize(("seed", "kind"), [(3019, "a4_table"), (90079, "a5_form"), (90115, "id_front")])
def test_a_side_that_runs_on_past_its_corner_as_the_same_shadow_is_not_trusted(seed: int, kind: str) -> None:
    """A hard shadow's straight edge was taken for a side and trusted: beyond the outline's corner it
    darkens the desk by the same factor as it darkened the page, which a page's own edge never does."""
    scene, detection = _full_scene(seed, "hard_shadow")
    assert scene.kind == kind
    right = detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01
    assert right or not detection.confident, f"hard_shadow/{kind}: wrong and trusted, cues {detection.cues}"


@pytest.mark.parametrize(("seed", "kind"), [(7411, "id_front"), (7435, "bank_card"), (6055, "id_back")])
def test_a_card_cut_by_a_hard_shadow_is_found_by_its_colours(seed: int, kind: str) -> None:
    """A hand's shadow across a card joined the card's edges to its own in every lightness and colour-opponent
    edge map, and nothing was found; in chromaticity (``detect_shadowfree.py``) the card stands alone."""
    scene, detection = _full_scene(seed, "hard_shadow")
    assert scene.kind == kind
    _assert_found_and_trusted(scene, detection)


@pytest.mark.parametrize("seed", [7422, 7458])
def test_a_white_page_whose_rough_outline_lay_beside_its_faint_edge_is_found(seed: int) -> None:
    """The page's rough hull sat a few pixels off its faint edge, so it was dropped before being snapped
    to it; with nothing else found, every rough outline is now snapped (found, not trusted: the faint
    edge's colour step is below what a trusted crop needs)."""
    scene, detection = _full_scene(seed, "light_desk")
    assert detection.quad is not None, f"light_desk/{scene.kind}: {detection.problem}"
    assert corner_error(detection.quad, scene.corners) < 0.01


def test_a_sleeve_band_inside_every_side_moves_all_four_in_at_once() -> None:
    """A band was found inside all four sides, but moved one side at a time the outline's proportions went
    further from a sheet's at some step (the page's own perspective), so one side stayed on the sleeve."""
    scene, detection = _full_scene(7137, "sleeve")
    assert scene.kind == "a5_form"
    assert detection.quad is not None and corner_error(detection.quad, scene.corners) < 0.01


@pytest.mark.parametrize(("seed", "condition", "kind"), [
    (6370, "under_sheet", "a4_text"), (7018, "under_sheet", "a4_text"), (6250, "under_sheet", "a5_form"),
    (7351, "hard_shadow", "a5_form")])
def test_a_page_whose_outline_never_closes_is_made_of_its_sides_and_not_trusted(
        seed: int, condition: str, kind: str) -> None:
    """A page on a second sheet: its side across the other sheet is a few levels of white, so no contour
    is the page's own and every pass found nothing; its four sides are still among the frame's longest
    straight edges (``detect_lines.py``). Found, but a guess: never trusted (the whole frame is kept)."""
    scene, detection = _full_scene(seed, condition)
    assert scene.kind == kind
    assert detection.quad is not None, f"{condition}/{kind}: {detection.problem}"
    assert corner_error(detection.quad, scene.corners) < 0.01
    assert not detection.confident


@pytest.mark.parametrize(("seed", "condition", "kind"), [
    (6188, "landscape", "a4_text"), (6199, "hard_shadow", "bank_card"), (7386, "light_desk", "a5_form"),
    (6465, "sleeve", "certificate")])
def test_an_untrusted_outline_off_the_page_gives_way_to_the_straight_one(
        seed: int, condition: str, kind: str) -> None:
    """The outline found was not trusted and a few percent off the page (a hull that leaked along a shadow,
    a sleeve's band or the desk's grain); the outline made of straight lines, of about its size and well
    supported, is the page. Moved, not trusted: the whole frame is still kept."""
    scene, detection = _full_scene(seed, condition)
    assert scene.kind == kind
    assert detection.quad is not None, f"{condition}/{kind}: {detection.problem}"
    assert corner_error(detection.quad, scene.corners) < 0.01
    assert not detection.confident


@pytest.mark.parametrize(("seed", "kind"), [(8050, "a5_form"), (8110, "a5_form")])
def test_a_page_lying_wholly_on_a_second_sheet_is_offered_and_not_trusted(seed: int, kind: str) -> None:
    """An A5 form lying wholly on an A4 sheet: a few levels whiter all round (mean step about 6), so its
    outline of lines fell below the contrast and support every other outline needs and nothing was shown.
    When nothing else is found the outline of lines is held to lower bars (``LOOSE``); a guess, not trusted."""
    scene, detection = _full_scene(seed, "under_sheet")
    assert scene.kind == kind
    assert detection.quad is not None, detection.problem
    assert corner_error(detection.quad, scene.corners) < 0.01
    assert not detection.confident
