/// The hidden part of a segment register: what the processor caches from the
/// descriptor when the selector is loaded (Intel SDM vol. 3, 3.4.3).
public struct SegmentCache: Equatable, Sendable {
    public var selector: UInt16 = 0
    public var base: UInt32 = 0
    /// The last valid offset (byte granular, already scaled by G).
    public var limit: UInt32 = 0xffff_ffff { didSet { fast = SegmentCache.fastAccess(limit, type) } }
    /// False for a null selector in DS/ES/FS/GS: any access through it is #GP(0).
    public var usable: Bool = true
    public var dpl: UInt8 = 3
    /// The descriptor's type nibble (bit 3 code, bit 1 writable/readable).
    public var type: UInt8 = 0x3 { didSet { fast = SegmentCache.fastAccess(limit, type) } }
    /// The D/B bit: 32-bit code or stack segment.
    public var big: Bool = true
    /// What the interpreter's fast paths may do through this segment without checks,
    /// kept in step with `limit` and `type`: `fastRead` for a 4 GiB limit (no offset
    /// can exceed it), plus `fastWrite` for a writable data segment.
    public private(set) var fast: UInt8 = SegmentCache.fastRead | SegmentCache.fastWrite

    public static let fastRead: UInt8 = 1
    public static let fastWrite: UInt8 = 2

    static func fastAccess(_ limit: UInt32, _ type: UInt8) -> UInt8 {
        guard limit == 0xffff_ffff else { return 0 }
        return type & 0xa == 0x2 ? fastRead | fastWrite : fastRead
    }

    public init() {}

    public init(selector: UInt16, base: UInt32, limit: UInt32, dpl: UInt8, type: UInt8, big: Bool = true) {
        self.selector = selector
        self.base = base
        self.limit = limit
        self.dpl = dpl
        self.type = type
        self.big = big
        fast = SegmentCache.fastAccess(limit, type)
    }

    /// A flat 4 GiB segment, as Linux loads into CS, DS, ES and SS.
    public static func flat(selector: UInt16, code: Bool) -> SegmentCache {
        SegmentCache(selector: selector, base: 0, limit: 0xffff_ffff, dpl: UInt8(selector & 3), type: code ? 0xb : 0x3)
    }

    /// Whether the whole access of `size` bytes at offset `ea` lies inside the limit.
    @inline(__always) func allows(_ ea: UInt32, _ size: Int) -> Bool {
        if limit == 0xffff_ffff { return true }
        guard usable else { return false }
        let last = UInt64(ea) + UInt64(size) - 1
        return last <= UInt64(limit)
    }
}

/// The six segment registers and the descriptor-table registers.
public struct SegmentFile: Sendable {
    /// ES, CS, SS, DS, FS, GS.
    public var regs: (SegmentCache, SegmentCache, SegmentCache, SegmentCache, SegmentCache, SegmentCache)
        = (SegmentCache(), SegmentCache(), SegmentCache(), SegmentCache(), SegmentCache(), SegmentCache())
    /// Base and limit of the GDT and IDT; the LDT as loaded by `lldt`.
    public var gdtBase: UInt32 = 0
    public var gdtLimit: UInt16 = 0
    public var ldtSelector: UInt16 = 0
    public var trSelector: UInt16 = 0
    public var ldtBase: UInt32 = 0
    public var ldtLimit: UInt32 = 0
    public var idtBase: UInt32 = 0
    public var idtLimit: UInt16 = 0
    /// TR: the TSS the processor takes the CPL-0 stack from on `int n` from user mode.
    public var tssBase: UInt32 = 0

    /// Register `i` (ES, CS, SS, DS, FS, GS), reached by offset: a `switch` over the
    /// tuple's six elements costs a branch chain on every access.
    public subscript(i: Int) -> SegmentCache {
        @inline(__always) get {
            withUnsafeBytes(of: regs) { $0.load(fromByteOffset: i &* MemoryLayout<SegmentCache>.stride, as: SegmentCache.self) }
        }
        @inline(__always) set {
            withUnsafeMutableBytes(of: &regs) {
                $0.storeBytes(of: newValue, toByteOffset: i &* MemoryLayout<SegmentCache>.stride, as: SegmentCache.self)
            }
        }
    }
}

/// A segment descriptor as it sits in the GDT or LDT (8 bytes).
public struct SegmentDescriptor: Equatable, Sendable {
    public var low: UInt32
    public var high: UInt32

    public init(low: UInt32, high: UInt32) {
        self.low = low
        self.high = high
    }

    /// Builds a descriptor from its parts; `limit` is the raw 20-bit field.
    public init(base: UInt32, limit: UInt32, type: UInt8, dpl: UInt8, present: Bool = true,
                system: Bool = false, big: Bool = true, granular: Bool = true, available: Bool = false) {
        low = (base << 16) | (limit & 0xffff)
        var h = (base & 0xff00_0000) | ((base >> 16) & 0xff) | (limit & 0xf_0000)
        h |= UInt32(type & 0xf) << 8
        if !system { h |= 1 << 12 }
        h |= UInt32(dpl & 3) << 13
        if present { h |= 1 << 15 }
        if available { h |= 1 << 20 }
        if big { h |= 1 << 22 }
        if granular { h |= 1 << 23 }
        high = h
    }

    public var base: UInt32 { (low >> 16) | ((high & 0xff) << 16) | (high & 0xff00_0000) }
    public var rawLimit: UInt32 { (low & 0xffff) | (high & 0xf_0000) }
    public var granular: Bool { high & (1 << 23) != 0 }
    public var limit: UInt32 { granular ? (rawLimit << 12) | 0xfff : rawLimit }
    public var type: UInt8 { UInt8((high >> 8) & 0xf) }
    /// S bit: code or data (true) rather than a system descriptor.
    public var isCodeOrData: Bool { high & (1 << 12) != 0 }
    public var dpl: UInt8 { UInt8((high >> 13) & 3) }
    public var present: Bool { high & (1 << 15) != 0 }
    public var big: Bool { high & (1 << 22) != 0 }
    public var isCode: Bool { type & 0x8 != 0 }
}
