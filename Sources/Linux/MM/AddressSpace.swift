import IA32

/// A process's memory map (`struct mm_struct`): the virtual memory areas that exist,
/// what backs them (for /proc/self/maps), the program break, and where new mappings go.
/// The pages themselves live in `GuestMemory`; this keeps the bookkeeping in step.
public final class AddressSpace {
    /// One mapping (`struct vm_area_struct`), page-aligned.
    public struct Area: Equatable {
        public var start: UInt32
        public var end: UInt32
        /// PagePermission bits (read, write, user, exec).
        public var permission: UInt8
        public var shared: Bool = false
        /// What /proc/self/maps prints: a path, "[heap]", "[stack]", "[vdso]", or "".
        public var name: String = ""
        public var offset: UInt32 = 0
        public var device: UInt64 = 0
        public var inode: UInt64 = 0
    }

    public let memory: GuestMemory
    public private(set) var areas: [Area] = []
    /// The program break: `startBrk` is where the heap begins, `brk` where it ends now.
    public var startBrk: UInt32 = 0
    public var brk: UInt32 = 0
    /// New mappings without a hint go top-down from here (the 2.6 "flexible" layout).
    public var mmapBase: UInt32 = 0xb800_0000
    /// The lowest address mmap may use: nothing is ever mapped at page 0.
    public static let mmapMinimum: UInt32 = 0x0001_0000
    public static let userTop: UInt32 = KernelLayout.pageOffset

    public init(memory: GuestMemory) {
        self.memory = memory
    }

    /// The same map over another address space (fork; the pages are copied by the caller).
    public func copy(over memory: GuestMemory) -> AddressSpace {
        let a = AddressSpace(memory: memory)
        a.areas = areas
        a.startBrk = startBrk
        a.brk = brk
        a.mmapBase = mmapBase
        return a
    }

    static func pageAlign(_ v: UInt32) -> UInt32? {
        let (r, o) = v.addingReportingOverflow(0xfff)
        return o ? nil : r & ~0xfff
    }

    // MARK: Mapping

    /// Maps [start, start+length) with `permission`, zero-filled, replacing whatever
    /// was there (as MAP_FIXED does).
    public func map(_ start: UInt32, length: UInt32, permission: UInt8, name: String = "", shared: Bool = false,
                    offset: UInt32 = 0, device: UInt64 = 0, inode: UInt64 = 0) {
        guard length > 0, let len = AddressSpace.pageAlign(length) else { return }
        let end = start &+ len
        carve(start, end)
        memory.map(start, length: len, permission: permission)
        var a = Area(start: start, end: end, permission: permission, shared: shared, name: name, offset: offset)
        a.device = device
        a.inode = inode
        let i = areas.firstIndex { $0.start > start } ?? areas.count
        areas.insert(a, at: i)
        coalesce()
    }

    /// Merges neighbouring anonymous areas that only differ in extent (a growing heap
    /// stays one line in /proc/self/maps).
    private func coalesce() {
        var i = 0
        while i + 1 < areas.count {
            let a = areas[i], b = areas[i + 1]
            if a.end == b.start && a.permission == b.permission && a.name == b.name && a.shared == b.shared
                && a.inode == 0 && b.inode == 0 {
                areas[i].end = b.end
                areas.remove(at: i + 1)
            } else {
                i += 1
            }
        }
    }

    /// Records an area whose pages were mapped by someone else (the vDSO at boot).
    public func record(_ a: Area) {
        carve(a.start, a.end)
        let i = areas.firstIndex { $0.start > a.start } ?? areas.count
        areas.insert(a, at: i)
    }

    /// Removes [start, end) from the map and releases its pages.
    public func unmap(_ start: UInt32, length: UInt32) {
        guard let len = AddressSpace.pageAlign(length), len > 0 else { return }
        let end = UInt64(start) + UInt64(len) > UInt64(AddressSpace.userTop) ? AddressSpace.userTop : start &+ len
        carve(start, end)
        memory.unmap(start, length: end &- start)
    }

    /// Changes the permission of [start, end); areas are split at the edges.
    public func protect(_ start: UInt32, length: UInt32, permission: UInt8) -> Bool {
        guard let len = AddressSpace.pageAlign(length) else { return false }
        let end = start &+ len
        guard isFullyMapped(start, end) else { return false }
        split(at: start)
        split(at: end)
        for i in areas.indices where areas[i].start >= start && areas[i].end <= end {
            areas[i].permission = permission
        }
        memory.protect(start, length: len, permission: permission)
        coalesce()
        return true
    }

    /// Whether every page of [start, end) belongs to some area.
    public func isFullyMapped(_ start: UInt32, _ end: UInt32) -> Bool {
        var cursor = start
        for a in areas where a.end > cursor && a.start < end {
            if a.start > cursor { return false }
            cursor = a.end
            if cursor >= end { return true }
        }
        return cursor >= end
    }

    public func isFree(_ start: UInt32, _ end: UInt32) -> Bool {
        !areas.contains { $0.start < end && $0.end > start }
    }

    /// A free range of `length` bytes, top-down below `mmapBase` (or at `hint` if free).
    public func findFree(length: UInt32, hint: UInt32 = 0) -> UInt32? {
        guard let len = AddressSpace.pageAlign(length), len > 0 else { return nil }
        if hint >= AddressSpace.mmapMinimum, hint & 0xfff == 0, UInt64(hint) + UInt64(len) <= UInt64(AddressSpace.userTop),
           isFree(hint, hint + len) {
            return hint
        }
        var top = mmapBase
        for a in areas.reversed() where a.start < top {
            if a.end <= top, top - a.end >= len { return top - len }
            top = min(top, a.start)
        }
        return top >= AddressSpace.mmapMinimum + len ? top - len : nil
    }

    public func area(containing address: UInt32) -> Area? {
        areas.first { $0.start <= address && address < $0.end }
    }

    /// Splits the area containing `address` so that an area boundary falls there.
    private func split(at address: UInt32) {
        guard let i = areas.firstIndex(where: { $0.start < address && address < $0.end }) else { return }
        var upper = areas[i]
        upper.offset &+= address - upper.start
        upper.start = address
        areas[i].end = address
        areas.insert(upper, at: i + 1)
    }

    /// Cuts [start, end) out of the area list.
    private func carve(_ start: UInt32, _ end: UInt32) {
        split(at: start)
        split(at: end)
        areas.removeAll { $0.start >= start && $0.end <= end }
    }

    // MARK: /proc/self/maps

    /// The map in /proc/self/maps format.
    public func mapsText() -> String {
        var out = ""
        for a in areas {
            let r = a.permission & PagePermission.read != 0 ? "r" : "-"
            let w = a.permission & PagePermission.write != 0 ? "w" : "-"
            let x = a.permission & PagePermission.exec != 0 ? "x" : "-"
            let p = a.shared ? "s" : "p"
            let dev = String(format2(UInt32(a.device >> 8) & 0xfff)) + ":" + String(format2(UInt32(a.device) & 0xff))
            var line = "\(a.start.hex8)-\(a.end.hex8) \(r)\(w)\(x)\(p) \(a.offset.hex8) \(dev) \(a.inode)"
            if !a.name.isEmpty {
                line += String(repeating: " ", count: max(1, 73 - line.count)) + a.name
            }
            out += line + "\n"
        }
        return out
    }

    private func format2(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return s.count < 2 ? "0" + s : s
    }
}
