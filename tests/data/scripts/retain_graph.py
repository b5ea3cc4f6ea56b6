"""Calling backward twice on the same graph needs retain_graph=True; the gradients add up."""
import torch

x = torch.tensor(3.0, requires_grad=True)
y = x ** 3
y.backward(retain_graph=True)
y.backward()
print(x.grad)  # 2 * 3 * 3**2 = 54
