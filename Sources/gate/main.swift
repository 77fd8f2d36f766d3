import IA32
print("gate")
