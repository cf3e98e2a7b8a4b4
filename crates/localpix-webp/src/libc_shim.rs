//! The C allocator functions libwebp calls, served by Rust's global allocator.
//!
//! Each block carries a 16-byte header holding its size, since `free` and `realloc` are not
//! told the size and Rust's allocator needs it. 16-byte alignment matches what C's `malloc`
//! promises (`max_align_t`), which libwebp's SIMD-free paths need at most.

use std::alloc::{Layout, alloc, alloc_zeroed, dealloc, realloc as rust_realloc};

const HEADER: usize = 16;
const ALIGN: usize = 16;

fn layout_for(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, ALIGN).ok()
}

unsafe fn finish(base: *mut u8, size: usize) -> *mut u8 {
    if base.is_null() {
        return base;
    }
    unsafe {
        (base as *mut usize).write(size);
        base.add(HEADER)
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn malloc(size: usize) -> *mut u8 {
    match layout_for(size) {
        Some(layout) => unsafe { finish(alloc(layout), size) },
        None => core::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut u8 {
    let Some(total) = count.checked_mul(size) else { return core::ptr::null_mut() };
    match layout_for(total) {
        Some(layout) => unsafe { finish(alloc_zeroed(layout), total) },
        None => core::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn free(ptr: *mut u8) {
    if ptr.is_null() {
        return;
    }
    unsafe {
        let base = ptr.sub(HEADER);
        let size = (base as *const usize).read();
        dealloc(base, Layout::from_size_align_unchecked(size + HEADER, ALIGN));
    }
}

#[unsafe(no_mangle)]
pub unsafe extern "C" fn realloc(ptr: *mut u8, new_size: usize) -> *mut u8 {
    if ptr.is_null() {
        return unsafe { malloc(new_size) };
    }
    let Some(new_total) = new_size.checked_add(HEADER) else { return core::ptr::null_mut() };
    unsafe {
        let base = ptr.sub(HEADER);
        let size = (base as *const usize).read();
        let old = Layout::from_size_align_unchecked(size + HEADER, ALIGN);
        finish(rust_realloc(base, old, new_total), new_size)
    }
}

/// C's `qsort`, stable like glibc's (merge sort), so wasm output equals native output even
/// when the comparator reports ties. Sorts an index permutation, then moves the elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn qsort(base: *mut u8, count: usize, size: usize, compare: unsafe extern "C" fn(*const u8, *const u8) -> i32) {
    if count < 2 || size == 0 {
        return;
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| unsafe { compare(base.add(a * size), base.add(b * size)) }.cmp(&0));
    let mut sorted = Vec::<u8>::with_capacity(count * size);
    for &i in &order {
        sorted.extend_from_slice(unsafe { core::slice::from_raw_parts(base.add(i * size), size) });
    }
    unsafe { core::ptr::copy_nonoverlapping(sorted.as_ptr(), base, count * size) };
}
