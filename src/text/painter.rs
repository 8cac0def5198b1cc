//! Painting laid-out paragraphs into egui: one textured [`egui::Mesh`] per visible line (per
//! atlas page it draws from), tinted by the text colour, with highlight rectangles (selection,
//! entity mentions, search hits) under the glyphs.
//!
//! Coordinates: a [`ParagraphLayout`] is in physical pixels (laid out at `size × pixels_per_point`
//! so glyphs are crisp); the painter places it at a paragraph origin given in points, snapped to
//! the physical pixel grid, and emits shapes in points. Glyph pen positions are taken from the
//! layout unchanged ([`glyph_pen`]); only the bitmap's integer placement is added, so what is
//! painted is where the layout (and hit-testing, and `khabar layout-dump`) says it is.

use std::ops::Range;

use egui::{Color32, Context, Mesh, Pos2, Rect, Shape, TextureId, Vec2, pos2, vec2};

use super::atlas::{TextSystem, glyph_key};
use super::{LayoutLine, ParagraphLayout, PositionedGlyph};

/// Pen position of a glyph relative to its paragraph's top-left, in layout (physical) pixels:
/// x of the glyph origin, y of the (offset) baseline.
pub fn glyph_pen(line: &LayoutLine, glyph: &PositionedGlyph) -> (f32, f32) {
    (line.x + glyph.x, line.baseline - glyph.y_offset)
}

/// Snaps a paragraph origin given in points to the physical pixel grid; returns it in
/// physical pixels.
pub fn origin_px(origin: Pos2, pixels_per_point: f32) -> Vec2 {
    vec2((origin.x * pixels_per_point).round(), (origin.y * pixels_per_point).round())
}

/// Meshes for one line of `layout` placed with its paragraph's top-left at `origin` (points).
/// Returns one mesh per atlas texture used (usually one). Rasterises glyphs on first use; call
/// [`super::atlas::GlyphAtlas::upload`] once after painting (the `paint_*` helpers do).
pub fn line_meshes(
    system: &mut TextSystem,
    ctx: &Context,
    line: &LayoutLine,
    origin: Pos2,
    pixels_per_point: f32,
    color: Color32,
) -> Vec<Mesh> {
    let ppp = pixels_per_point.max(0.01);
    let base = origin_px(origin, ppp);
    let mut meshes: Vec<Mesh> = Vec::new();
    let TextSystem { engine, atlas, .. } = system;
    let font_system = engine.font_system_mut();
    for glyph in &line.glyphs {
        let (pen_x, pen_y) = glyph_pen(line, glyph);
        let (key, ix, iy) =
            glyph_key(glyph.font_id, glyph.glyph_id, glyph.font_size_px, base.x + pen_x, base.y + pen_y);
        let Some(atlas_glyph) = atlas.glyph(ctx, font_system, key) else { continue };
        let min = pos2((ix + atlas_glyph.left) as f32 / ppp, (iy - atlas_glyph.top) as f32 / ppp);
        let rect =
            Rect::from_min_size(min, vec2(atlas_glyph.width as f32 / ppp, atlas_glyph.height as f32 / ppp));
        let tint = if atlas_glyph.is_color {
            Color32::WHITE.gamma_multiply(color.a() as f32 / 255.0)
        } else {
            color
        };
        mesh_for(&mut meshes, atlas_glyph.texture_id).add_rect_with_uv(rect, atlas_glyph.uv, tint);
    }
    meshes
}

fn mesh_for(meshes: &mut Vec<Mesh>, texture_id: TextureId) -> &mut Mesh {
    let index = match meshes.iter().position(|m| m.texture_id == texture_id) {
        Some(i) => i,
        None => {
            meshes.push(Mesh::with_texture(texture_id));
            meshes.len() - 1
        }
    };
    // `index` is valid: found above or just pushed.
    &mut meshes[index]
}

/// Rectangles (points) covering the characters `char_range` (paragraph-relative code points)
/// of a paragraph whose top-left is at `origin`, one per visual piece: a range crossing a bidi
/// boundary gives several disjoint rectangles.
pub fn range_rects(
    layout: &ParagraphLayout,
    char_range: Range<usize>,
    origin: Pos2,
    pixels_per_point: f32,
) -> Vec<Rect> {
    let ppp = pixels_per_point.max(0.01);
    let base = origin_px(origin, ppp);
    let mut rects = Vec::new();
    if char_range.is_empty() {
        return rects;
    }
    for (line_index, x0, x1) in layout.selection_rects(char_range) {
        let Some(line) = layout.lines.get(line_index) else { continue };
        let (left, right) = if x0 <= x1 { (x0, x1) } else { (x1, x0) };
        rects.push(Rect::from_min_max(
            pos2((base.x + left) / ppp, (base.y + line.top) / ppp),
            pos2((base.x + right) / ppp, (base.y + line.top + line.height) / ppp),
        ));
    }
    rects
}

/// Shapes for a whole paragraph: `highlights` (paragraph-relative char ranges with fill colours)
/// first, then the glyphs of the lines that intersect `clip` (points). Uploads new glyphs.
pub fn paragraph_shapes(
    system: &mut TextSystem,
    ctx: &Context,
    layout: &ParagraphLayout,
    origin: Pos2,
    color: Color32,
    highlights: &[(Range<usize>, Color32)],
    clip: Rect,
) -> Vec<Shape> {
    let ppp = ctx.pixels_per_point();
    let mut shapes = Vec::new();
    for (range, fill) in highlights {
        for rect in range_rects(layout, range.clone(), origin, ppp) {
            if rect.intersects(clip) {
                shapes.push(Shape::rect_filled(rect, 0.0, *fill));
            }
        }
    }
    system.atlas.begin_pass(ctx);
    for line in &layout.lines {
        let top = origin.y + line.top / ppp;
        let bottom = top + line.height / ppp;
        if bottom < clip.min.y || top > clip.max.y {
            continue;
        }
        for mesh in line_meshes(system, ctx, line, origin, ppp, color) {
            if !mesh.is_empty() {
                shapes.push(Shape::mesh(mesh));
            }
        }
    }
    system.atlas.upload();
    shapes
}

/// Pen positions (points) where [`line_meshes`] places each glyph of `line`, in the line's
/// visual order; the painted bitmaps are offset from these by whole pixels only.
pub fn painted_pens(line: &LayoutLine, origin: Pos2, pixels_per_point: f32) -> Vec<Pos2> {
    let ppp = pixels_per_point.max(0.01);
    let base = origin_px(origin, ppp);
    line.glyphs
        .iter()
        .map(|g| {
            let (x, y) = glyph_pen(line, g);
            pos2((base.x + x) / ppp, (base.y + y) / ppp)
        })
        .collect()
}
