import IA32
