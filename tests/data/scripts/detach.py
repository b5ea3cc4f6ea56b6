"""detach() cuts the graph: the gradient does not flow through y_const."""
import torch

x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
y_const = y.detach()
z = y_const * x
s = z.sum()
s.backward()
print(x.grad)  # y, not 3x^2
