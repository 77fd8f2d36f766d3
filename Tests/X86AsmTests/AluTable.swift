// The public ALU wrappers, one row per operation, so each is checked against GNU as.
import X86Asm

/// Every form of one ALU operation, as closures over the public API.
struct AluForms {
    var name: String
    var rr: (inout Assembler, R32, R32) -> Void
    var ri: (inout Assembler, R32, UInt32) -> Void
    var rm: (inout Assembler, R32, Mem) -> Void
    var mr: (inout Assembler, Mem, R32) -> Void
    var mi: (inout Assembler, Mem, UInt32) -> Void
    var rr8: (inout Assembler, R8, R8) -> Void
    var ri8: (inout Assembler, R8, UInt8) -> Void
    var rm8: (inout Assembler, R8, Mem) -> Void
    var mr8: (inout Assembler, Mem, R8) -> Void
    var mi8: (inout Assembler, Mem, UInt8) -> Void
    var rr16: (inout Assembler, R16, R16) -> Void
    var ri16: (inout Assembler, R16, UInt16) -> Void
    var rm16: (inout Assembler, R16, Mem) -> Void
    var mr16: (inout Assembler, Mem, R16) -> Void
    var mi16: (inout Assembler, Mem, UInt16) -> Void
}

let aluForms: [AluForms] = [
    AluForms(
        name: "add",
        rr: { $0.add($1, $2) }, ri: { $0.add($1, imm: $2) }, rm: { $0.add($1, $2) },
        mr: { $0.add($1, $2) }, mi: { $0.add($1, imm: $2) },
        rr8: { $0.add($1, $2) }, ri8: { $0.add($1, imm: $2) }, rm8: { $0.add($1, $2) },
        mr8: { $0.add($1, $2) }, mi8: { $0.addb($1, imm: $2) },
        rr16: { $0.add($1, $2) }, ri16: { $0.add($1, imm: $2) }, rm16: { $0.add($1, $2) },
        mr16: { $0.add($1, $2) }, mi16: { $0.addw($1, imm: $2) }),
    AluForms(
        name: "or",
        rr: { $0.or($1, $2) }, ri: { $0.or($1, imm: $2) }, rm: { $0.or($1, $2) },
        mr: { $0.or($1, $2) }, mi: { $0.or($1, imm: $2) },
        rr8: { $0.or($1, $2) }, ri8: { $0.or($1, imm: $2) }, rm8: { $0.or($1, $2) },
        mr8: { $0.or($1, $2) }, mi8: { $0.orb($1, imm: $2) },
        rr16: { $0.or($1, $2) }, ri16: { $0.or($1, imm: $2) }, rm16: { $0.or($1, $2) },
        mr16: { $0.or($1, $2) }, mi16: { $0.orw($1, imm: $2) }),
    AluForms(
        name: "adc",
        rr: { $0.adc($1, $2) }, ri: { $0.adc($1, imm: $2) }, rm: { $0.adc($1, $2) },
        mr: { $0.adc($1, $2) }, mi: { $0.adc($1, imm: $2) },
        rr8: { $0.adc($1, $2) }, ri8: { $0.adc($1, imm: $2) }, rm8: { $0.adc($1, $2) },
        mr8: { $0.adc($1, $2) }, mi8: { $0.adcb($1, imm: $2) },
        rr16: { $0.adc($1, $2) }, ri16: { $0.adc($1, imm: $2) }, rm16: { $0.adc($1, $2) },
        mr16: { $0.adc($1, $2) }, mi16: { $0.adcw($1, imm: $2) }),
    AluForms(
        name: "sbb",
        rr: { $0.sbb($1, $2) }, ri: { $0.sbb($1, imm: $2) }, rm: { $0.sbb($1, $2) },
        mr: { $0.sbb($1, $2) }, mi: { $0.sbb($1, imm: $2) },
        rr8: { $0.sbb($1, $2) }, ri8: { $0.sbb($1, imm: $2) }, rm8: { $0.sbb($1, $2) },
        mr8: { $0.sbb($1, $2) }, mi8: { $0.sbbb($1, imm: $2) },
        rr16: { $0.sbb($1, $2) }, ri16: { $0.sbb($1, imm: $2) }, rm16: { $0.sbb($1, $2) },
        mr16: { $0.sbb($1, $2) }, mi16: { $0.sbbw($1, imm: $2) }),
    AluForms(
        name: "and",
        rr: { $0.and($1, $2) }, ri: { $0.and($1, imm: $2) }, rm: { $0.and($1, $2) },
        mr: { $0.and($1, $2) }, mi: { $0.and($1, imm: $2) },
        rr8: { $0.and($1, $2) }, ri8: { $0.and($1, imm: $2) }, rm8: { $0.and($1, $2) },
        mr8: { $0.and($1, $2) }, mi8: { $0.andb($1, imm: $2) },
        rr16: { $0.and($1, $2) }, ri16: { $0.and($1, imm: $2) }, rm16: { $0.and($1, $2) },
        mr16: { $0.and($1, $2) }, mi16: { $0.andw($1, imm: $2) }),
    AluForms(
        name: "sub",
        rr: { $0.sub($1, $2) }, ri: { $0.sub($1, imm: $2) }, rm: { $0.sub($1, $2) },
        mr: { $0.sub($1, $2) }, mi: { $0.sub($1, imm: $2) },
        rr8: { $0.sub($1, $2) }, ri8: { $0.sub($1, imm: $2) }, rm8: { $0.sub($1, $2) },
        mr8: { $0.sub($1, $2) }, mi8: { $0.subb($1, imm: $2) },
        rr16: { $0.sub($1, $2) }, ri16: { $0.sub($1, imm: $2) }, rm16: { $0.sub($1, $2) },
        mr16: { $0.sub($1, $2) }, mi16: { $0.subw($1, imm: $2) }),
    AluForms(
        name: "xor",
        rr: { $0.xor($1, $2) }, ri: { $0.xor($1, imm: $2) }, rm: { $0.xor($1, $2) },
        mr: { $0.xor($1, $2) }, mi: { $0.xor($1, imm: $2) },
        rr8: { $0.xor($1, $2) }, ri8: { $0.xor($1, imm: $2) }, rm8: { $0.xor($1, $2) },
        mr8: { $0.xor($1, $2) }, mi8: { $0.xorb($1, imm: $2) },
        rr16: { $0.xor($1, $2) }, ri16: { $0.xor($1, imm: $2) }, rm16: { $0.xor($1, $2) },
        mr16: { $0.xor($1, $2) }, mi16: { $0.xorw($1, imm: $2) }),
    AluForms(
        name: "cmp",
        rr: { $0.cmp($1, $2) }, ri: { $0.cmp($1, imm: $2) }, rm: { $0.cmp($1, $2) },
        mr: { $0.cmp($1, $2) }, mi: { $0.cmp($1, imm: $2) },
        rr8: { $0.cmp($1, $2) }, ri8: { $0.cmp($1, imm: $2) }, rm8: { $0.cmp($1, $2) },
        mr8: { $0.cmp($1, $2) }, mi8: { $0.cmpb($1, imm: $2) },
        rr16: { $0.cmp($1, $2) }, ri16: { $0.cmp($1, imm: $2) }, rm16: { $0.cmp($1, $2) },
        mr16: { $0.cmp($1, $2) }, mi16: { $0.cmpw($1, imm: $2) }),
]
