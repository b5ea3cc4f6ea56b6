"""backward() in a loop with no update and no zero_grad: the gradients add up, once per pass."""
import torch

x = torch.tensor([1.0, 2.0], requires_grad=True)
for i in range(3):
    y = (x * x).sum()
    y.backward()
print(x.grad)  # 3 * 2x
