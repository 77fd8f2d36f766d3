/// Decodes one IA-32 instruction from guest memory into an `Instruction`: prefixes,
/// opcode (one-byte map, then the 0F map), ModRM/SIB/displacement in 32- and 16-bit
/// addressing, and immediates. Undefined encodings decode to `.undefined` (#UD when
/// executed); bytes that cannot be fetched to `.fetchFault` (#PF when executed).
public struct Decoder {
    let mem: UnsafeMutableRawPointer
    let perm: UnsafeMutablePointer<UInt8>
    let need: UInt8
    /// DS, ES and SS are flat with base 0 (`CPUState.flatData`).
    let flatData: Bool
    /// `HandlerTable`'s tables, read once per decoder rather than per instruction.
    let handlers = HandlerTable.table
    let flatHandlers = HandlerTable.flatTable

    /// Linear address of the instruction's first byte and of the next byte to fetch.
    var start: UInt32 = 0
    var cursor: UInt32 = 0
    /// EIP of the instruction (linear minus CS base).
    var eip: UInt32 = 0
    /// The first byte that could not be fetched.
    var fetchFaultAddress: UInt32? = nil

    // Prefix state.
    var opsize16 = false
    var addr16 = false
    var rep: UInt8 = 0
    var lock = false
    var segOverride: UInt8? = nil

    var i = Instruction()

    public init(memory: UnsafeMutableRawPointer, permissions: UnsafeMutablePointer<UInt8>, need: UInt8,
                flatData: Bool = false) {
        mem = memory
        perm = permissions
        self.need = need
        self.flatData = flatData
    }

    /// Decodes the instruction at `eip` (linear address `linear`).
    public mutating func decode(eip: UInt32, linear: UInt32) -> Instruction {
        self.eip = eip
        start = linear
        cursor = linear
        fetchFaultAddress = nil
        opsize16 = false
        addr16 = false
        rep = 0
        lock = false
        segOverride = nil
        i = Instruction()

        var opcode = fetch8()
        var prefixes = 0
        prefixLoop: while fetchFaultAddress == nil {
            switch opcode {
            case 0xf0: lock = true
            case 0xf2: rep = 2
            case 0xf3: rep = 1
            case 0x26: segOverride = 0
            case 0x2e: segOverride = 1
            case 0x36: segOverride = 2
            case 0x3e: segOverride = 3
            case 0x64: segOverride = 4
            case 0x65: segOverride = 5
            case 0x66: opsize16 = true
            case 0x67: addr16 = true
            default: break prefixLoop
            }
            prefixes += 1
            if prefixes >= 15 { break }
            opcode = fetch8()
        }
        i.size = opsize16 ? 2 : 4
        if addr16 { i.bits |= Instruction.addressSize16 }
        if let s = segOverride {
            i.seg = s
            i.bits |= Instruction.segmentOverride
        }

        if fetchFaultAddress == nil {
            if opcode == 0x0f {
                let op2 = fetch8()
                if fetchFaultAddress == nil { decodeTwoByte(op2) }
            } else {
                decodeOneByte(opcode)
            }
        }

        if let bad = fetchFaultAddress {
            var f = Instruction()
            f.op = .fetchFault
            f.imm = bad
            f.length = 1
            f.next = eip &+ 1
            f.bits = Instruction.endsBlock
            f.handler = handlers[Int(f.op.rawValue)]
            return f
        }
        let length = cursor &- start
        if length > 15 {
            // Longer than the architectural limit: #GP(0).
            var f = Instruction()
            f.op = .privileged
            f.sub = 1
            f.length = 15
            f.next = eip &+ 15
            f.bits = Instruction.endsBlock
            f.handler = handlers[Int(f.op.rawValue)]
            return f
        }
        i.length = UInt8(length)
        i.next = eip &+ length
        if lock && !lockAllowed() { i.op = .undefined }
        if lock { i.bits |= Instruction.lockPrefix } else { specialize() }
        // A terminator's handler reads the block tail after it, so it must end its block.
        if i.op == .undefined || i.op.isTerminator { i.bits |= Instruction.endsBlock }
        // DS, ES and SS flat with base 0 as the block is decoded: an operand in one of
        // them (or none at all) takes the flat forms of the handlers.
        if flatData && (!i.isMemory || i.seg == 0 || i.seg == 2 || i.seg == 3) { i.bits |= Instruction.flatOperand }
        i.handler = HandlerTable.handler(for: i, table: handlers, flatTable: flatHandlers)
        return i
    }

    /// LOCK is legal only on the read-modify-write memory forms (Intel SDM vol. 2, LOCK).
    private func lockAllowed() -> Bool {
        guard i.isMemory else { return false }
        switch i.op {
        case .aluRMReg, .aluRMImm: return i.sub != 7
        case .inc, .dec, .neg, .not, .xadd, .cmpxchg, .cmpxchg8b, .xchg: return true
        case .btReg, .btImm: return i.sub != 0
        default: return false
        }
    }

    // MARK: Fetching

    // Inlined: a block's decoding fetches every byte through here, and the call cost
    // as much as the fetch.
    @inline(__always) mutating func fetch8() -> UInt8 {
        if fetchFaultAddress != nil { return 0 }
        let a = cursor
        if perm[Int(a >> 12)] & need != need {
            fetchFaultAddress = a
            return 0
        }
        cursor &+= 1
        return mem.load(fromByteOffset: Int(a), as: UInt8.self)
    }

    @inline(__always) mutating func fetch16() -> UInt32 {
        let lo = UInt32(fetch8())
        return lo | UInt32(fetch8()) << 8
    }

    mutating func fetch32() -> UInt32 {
        let lo = fetch16()
        return lo | fetch16() << 16
    }

    /// An immediate of the operand size (Iz / Iv in the opcode tables).
    mutating func fetchImm(_ size: Int) -> UInt32 {
        size == 4 ? fetch32() : (size == 2 ? fetch16() : UInt32(fetch8()))
    }

    /// A sign-extended 8-bit immediate, truncated to the operand size.
    mutating func fetchImm8SignExtended() -> UInt32 {
        let v = UInt32(bitPattern: Int32(Int8(bitPattern: fetch8())))
        return v & sizeMask(Int(i.size))
    }

    /// EIP of the next instruction.
    var nextEIP: UInt32 { eip &+ (cursor &- start) }

    /// A relative branch target: next EIP plus displacement, 16-bit wrapped under 0x66.
    mutating func relativeTarget(_ size: Int) -> UInt32 {
        let rel: UInt32
        if size == 1 {
            rel = UInt32(bitPattern: Int32(Int8(bitPattern: fetch8())))
        } else if size == 2 {
            rel = UInt32(bitPattern: Int32(Int16(bitPattern: UInt16(fetch16()))))
        } else {
            rel = fetch32()
        }
        let t = nextEIP &+ rel
        return opsize16 ? t & 0xffff : t
    }

    // MARK: ModRM

    /// Decodes a ModRM byte (and SIB and displacement); returns the reg field.
    @discardableResult
    mutating func modrm() -> Int {
        let m = fetch8()
        let mod = Int(m >> 6)
        let reg = Int((m >> 3) & 7)
        let rm = Int(m & 7)
        i.reg = UInt8(reg)
        if mod == 3 {
            i.rm = UInt8(rm)
            return reg
        }
        i.bits |= Instruction.memoryOperand
        var defaultSeg = SegReg.ds.rawValue
        if addr16 {
            if mod == 0 && rm == 6 {
                i.disp = fetch16()
            } else {
                // bx+si, bx+di, bp+si, bp+di, si, di, bp, bx
                switch rm {
                case 0: (i.base, i.index) = (3, 6)
                case 1: (i.base, i.index) = (3, 7)
                case 2: (i.base, i.index) = (5, 6)
                case 3: (i.base, i.index) = (5, 7)
                case 4: i.base = 6
                case 5: i.base = 7
                case 6: i.base = 5
                default: i.base = 3
                }
                if rm == 2 || rm == 3 || rm == 6 { defaultSeg = SegReg.ss.rawValue }
                if mod == 1 {
                    i.disp = UInt32(bitPattern: Int32(Int8(bitPattern: fetch8()))) & 0xffff
                } else if mod == 2 {
                    i.disp = fetch16()
                }
            }
        } else {
            var base = rm
            if rm == 4 {
                let sib = fetch8()
                i.scale = sib >> 6
                let index = Int((sib >> 3) & 7)
                if index != 4 { i.index = UInt8(index) }
                base = Int(sib & 7)
                if base == 5 && mod == 0 {
                    i.disp = fetch32()
                    base = -1
                }
            } else if rm == 5 && mod == 0 {
                i.disp = fetch32()
                base = -1
            }
            if base >= 0 {
                i.base = UInt8(base)
                if base == Reg.esp.rawValue || base == Reg.ebp.rawValue { defaultSeg = SegReg.ss.rawValue }
            }
            if mod == 1 {
                i.disp = UInt32(bitPattern: Int32(Int8(bitPattern: fetch8())))
            } else if mod == 2 {
                i.disp = fetch32()
            }
        }
        if segOverride == nil { i.seg = UInt8(defaultSeg) }
        return reg
    }

    /// A memory operand given by an absolute offset (the moffs forms).
    mutating func absoluteOperand() {
        i.bits |= Instruction.memoryOperand
        i.disp = addr16 ? fetch16() : fetch32()
    }

    mutating func invalid() {
        i.op = .undefined
    }
}
