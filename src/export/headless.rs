//! `khabar screenshot`: renders the app without a window (egui_kittest + wgpu, Mesa lavapipe
//! on machines without a GPU), waits until the corpus is loaded and analysed, applies the
//! requested selection and writes the window or one pane as a PNG.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::ui::{KhabarApp, Pane};

/// What to render.
#[derive(Clone, Debug)]
pub struct ScreenshotRequest {
    pub paths: Vec<PathBuf>,
    /// Open this document (path relative to the folder, or its file name).
    pub document: Option<String>,
    /// Select the entity with this canonical name or alias.
    pub entity: Option<String>,
    pub pane: Pane,
    /// Window size in points.
    pub size: [f32; 2],
    /// Pixels per point (2 = double resolution).
    pub scale: f32,
    pub out: PathBuf,
    /// Give up waiting for loading and analysis after this long.
    pub timeout: Duration,
}

/// Renders the request and writes the PNG; returns the image size in pixels.
pub fn render(request: &ScreenshotRequest) -> anyhow::Result<(u32, u32)> {
    let paths = request.paths.clone();
    let mut harness = egui_kittest::Harness::builder()
        .with_size(egui::vec2(request.size[0], request.size[1]))
        .with_pixels_per_point(request.scale)
        .wgpu()
        .allow_missing_glyphs()
        .build_eframe(move |cc| KhabarApp::new(cc, paths));
    let deadline = Instant::now() + request.timeout;
    while harness.state().is_busy() {
        if Instant::now() > deadline {
            anyhow::bail!("loading and analysis did not finish within {:?}", request.timeout);
        }
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    harness.run_steps(2);
    if let Some(doc) = &request.document {
        anyhow::ensure!(harness.state_mut().open_document_by_path(doc), "no document matches {doc:?}");
    }
    if let Some(name) = &request.entity {
        anyhow::ensure!(harness.state_mut().select_entity_by_name(name), "no entity matches {name:?}");
    }
    harness.run_steps(4);
    let image = harness.render().map_err(|e| anyhow::anyhow!("rendering failed: {e}"))?;
    let image = match request.pane {
        Pane::Window => image,
        pane => {
            let rect = harness
                .state()
                .pane_rect(pane)
                .ok_or_else(|| anyhow::anyhow!("the {pane:?} pane is not shown"))?;
            crop_to_pane(&image, rect, request.scale)
        }
    };
    if let Some(parent) = request.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    image
        .save(&request.out)
        .map_err(|e| anyhow::anyhow!("could not write {}: {e}", request.out.display()))?;
    Ok((image.width(), image.height()))
}

/// The part of a rendered window image covered by a pane's rect (points), at `scale` pixels per
/// point, clipped to the image.
pub fn crop_to_pane(image: &image::RgbaImage, rect: egui::Rect, scale: f32) -> image::RgbaImage {
    let x = (rect.min.x * scale).round().max(0.0) as u32;
    let y = (rect.min.y * scale).round().max(0.0) as u32;
    let w = ((rect.width() * scale).round() as u32).min(image.width().saturating_sub(x));
    let h = ((rect.height() * scale).round() as u32).min(image.height().saturating_sub(y));
    image::imageops::crop_imm(image, x, y, w, h).to_image()
}

/// Pixel statistics of an image: (standard deviation of luminance 0..255, distinct colours).
/// A blank or single-colour render has a deviation near 0 and a handful of colours.
pub fn pixel_statistics(image: &image::RgbaImage) -> (f64, usize) {
    let n = (image.width() as f64 * image.height() as f64).max(1.0);
    let lum = |p: &image::Rgba<u8>| 0.2126 * p[0] as f64 + 0.7152 * p[1] as f64 + 0.0722 * p[2] as f64;
    let mean = image.pixels().map(lum).sum::<f64>() / n;
    let var = image.pixels().map(|p| (lum(p) - mean).powi(2)).sum::<f64>() / n;
    let colours: std::collections::HashSet<[u8; 4]> = image.pixels().map(|p| p.0).collect();
    (var.sqrt(), colours.len())
}
